/*
 * cmd_time - the whole-command time of a tool, as a user at the shell
 * sees it (exec, connecting, the query, exit), measured one run at a
 * time so that the median is a median of runs and not of loops; timing
 * from the shell would add a date(1) process to every run.
 * Usage: cmd_time runs command [arg...]
 * Prints "median min max" in milliseconds.  The command's standard output
 * goes to /dev/null; a run that fails stops the bench (exit 2).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	char *end;
	long runs;
	double *t;
	int null;

	if (argc < 3) {
		fprintf(stderr, "usage: cmd_time runs command [arg...]\n");
		return 2;
	}
	errno = 0;
	runs = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || runs < 1 || runs > 100000) {
		fprintf(stderr, "cmd_time: runs: not a number from 1 to 100000\n");
		return 2;
	}
	if ((null = open("/dev/null", O_WRONLY)) < 0 ||
	    !(t = malloc((size_t)runs * sizeof(*t)))) {
		perror("cmd_time");
		return 2;
	}
	for (long i = 0; i < runs; i++) {
		double t0 = now_ms();
		int st;
		pid_t pid = fork();

		if (pid < 0) {
			perror("cmd_time: fork");
			return 2;
		}
		if (pid == 0) {
			dup2(null, STDOUT_FILENO);
			execvp(argv[2], argv + 2);
			perror(argv[2]);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0) {
			perror("cmd_time: waitpid");
			return 2;
		}
		t[i] = now_ms() - t0;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "cmd_time: %s failed (status %d)\n",
			        argv[2], st);
			return 2;
		}
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp);
	printf("%.3f %.3f %.3f\n", runs % 2 ? t[runs / 2] :
	       (t[runs / 2 - 1] + t[runs / 2]) / 2, t[0], t[runs - 1]);
	free(t);
	return 0;
}

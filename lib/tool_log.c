/*
 * Log locations in messages: why an open or a write failed, and the
 * location as it may be shown (never with its password).
 */
#include <errno.h>
#include <string.h>

#include "tool.h"

const char *
izin_log_reason(const izin_log *lg, int err)
{
	switch (err) {
	case IZIN_EFOREIGN:
		return _("not an izin log (left untouched)");
	case IZIN_EVERSION:
		return _("an izin log of a newer version (left untouched)");
	case IZIN_ENOTFILE:
		return _("not a regular file");
	case IZIN_ECUT:
	case IZIN_EIO:
		if (lg != NULL && izin_log_errmsg(lg)[0] != '\0')
			return _(izin_log_errmsg(lg));
		return strerror(errno);
	default:
		return _(izin_strerror(err));
	}
}

izin_log *
izin_open_location(const char *what, const char *location, int mode)
{
	char show[IZIN_SHOW_MAX], why[256];
	izin_log *lg;
	int err = izin_log_open(location, mode, &lg);

	if (err == IZIN_OK)
		return lg;
	izin_log_show(location, show, sizeof show);
	strncpy(why, izin_log_reason(lg, err), sizeof why - 1);
	why[sizeof why - 1] = '\0';
	izin_log_close(lg);
	izin_errx(2, "%s %s: %s", _(what), show, why);
}

# tests/distort.sh - permits photographed the hard way, sourced by
# tests/cli_geom.sh and tests/bench/geom.sh.  Each function takes a permit
# PNG from qr-issue (QR version 10, 57 modules at 4 px, a 4-module quiet
# zone: 260 px), the output JPEG, the code's size in the photo in pixels
# and a variant number; the same arguments always make the same bytes
# (fixed noise seeds), so a failure can be looked at again.
#
#   distort_perspective IN OUT SIZE [VARIANT]  card tilted: one side of
#                                              the code 60% of the other
#   distort_curve IN OUT SIZE [VARIANT]        passport page curving up
#                                              to the spine
# DISTORT_MILD=1 makes the gentle versions of both (the far side 90% of
# the near one, a shallow curve): the controls that the plain zbar pass
# already reads (at 85% it reads almost none of version 10 codes).
#
# ImageMagick 6 only, and awk for the geometry: the photo models are a
# few dozen numbers, ImageMagick does the resampling.

_dim=convert-im6.q16
command -v $_dim > /dev/null 2>&1 || _dim=convert
_did=identify-im6.q16
command -v $_did > /dev/null 2>&1 || _did=identify

# _distort_k SIZE WIDTH: the integer factor the permit is enlarged by (pixel
# replication, exact) before it is resampled, so that the photo's
# modules, up to about 1.3 times SIZE/n where the page or card comes
# nearer, are drawn from finer ones and not smeared up from 4 px.
_distort_k() { awk -v s="$1" -v w="$2" 'BEGIN { k = int(s * 1.3 / (w - 32) + 0.999); print (k < 1) ? 1 : k }'; }

# _distort_finish SEED: the phone's part, as ImageMagick arguments: a
# little optical blur, sensor noise, JPEG at quality 85.
_distort_finish() {
	printf '%s\n' -blur 0x0.7 -seed "$1" -attenuate 0.6 +noise Gaussian \
		-sampling-factor 2x2 -quality 85
}

# distort_perspective IN OUT SIZE [VARIANT]
distort_perspective() {
	_in=$1 _out=$2 _size=$3 _v=${4:-0}
	_pw=$($_did -format %w "$_in") || return
	_k=$(_distort_k "$_size" "$_pw")
	# Card: the permit multiplied onto a cream card with a blue band,
	# the code C = 228k px square at (px, py) on a card cw x ch.
	# Geometry (awk): the code's corners go to a trapezoid whose far
	# side is 60% of the near one (85% when mild), 0.8 L deep; the
	# whole turned by 90 degrees times (VARIANT mod 4), so that each
	# side is the short one in turn, plus a small rotation, and placed
	# off centre on a 4:3 desk.  -distort Perspective then maps the card
	# by the one projective map those four pairs fix.
	eval "set -- $(awk -v s="$_size" -v k="$_k" -v pw0="$_pw" -v v="$_v" -v mild="${DISTORT_MILD:-0}" '
	function rnd(i) { return ((v * 7919 + i * 104729 + 12345) % 1000) / 1000 }
	BEGIN {
		pi = atan2(0, -1)
		P = pw0 * k; m = 16 * k; C = P - 2 * m
		cw = int(P * 1.55); ch = int(P * 1.35)
		px = int((cw - P) * 0.78); py = int((ch - P) * 0.62)
		r = mild ? 0.9 : 0.60
		L = 2 * s / (1 + r); d = (mild ? 0.95 : 0.8) * L
		W = int(s * 2.2); H = int(s * 1.65)
		# code corners in the card: TL TR BR BL
		sx[0] = px + m; sy[0] = py + m
		sx[1] = px + m + C; sy[1] = py + m
		sx[2] = px + m + C; sy[2] = py + m + C
		sx[3] = px + m; sy[3] = py + m + C
		# trapezoid about the origin, short side on the left
		tx[0] = -d / 2; ty[0] = -r * L / 2
		tx[1] = d / 2;  ty[1] = -L / 2
		tx[2] = d / 2;  ty[2] = L / 2
		tx[3] = -d / 2; ty[3] = r * L / 2
		a = (v % 4) * pi / 2 + (rnd(1) - 0.5) * 16 * pi / 180
		cx = W / 2 + (rnd(2) - 0.5) * 0.25 * s
		cy = H / 2 + (rnd(3) - 0.5) * 0.2 * s
		printf "%d %d %d %d %d %d \"", W, H, cw, ch, px, py
		for (i = 0; i < 4; i++)
			printf "%s%.3f,%.3f %.3f,%.3f", i ? " " : "", sx[i], sy[i],
			    cx + tx[i] * cos(a) - ty[i] * sin(a),
			    cy + tx[i] * sin(a) + ty[i] * cos(a)
		printf "\"\n"
	}')"
	_W=$1 _H=$2 _cw=$3 _ch=$4 _px=$5 _py=$6 _pts=$7
	# shellcheck disable=SC2046
	$_dim \
		-size "${_W}x${_H}" gradient:'#5e4630-#8f6f4f' \
		\( -size "$((_W / 16 + 1))x$((_H / 2 + 1))" xc:gray50 -seed $((_v + 7)) \
		   +noise Random -colorspace gray -resize "${_W}x${_H}!" \
		   -level 30%,70% \) \
		-compose softlight -composite \
		\( -size "${_cw}x${_ch}" xc:'#f1ebdd' \
		   -fill '#9fb6cf' -draw "rectangle 0,0 $_cw,$((_ch / 8))" \
		   -fill '#c9c2b2' -draw "rectangle $((_cw / 20)),$((_ch / 4)) $((_px - _cw / 20)),$((_ch / 4 + _ch / 30))" \
		   -draw "rectangle $((_cw / 20)),$((_ch / 3)) $((_px - _cw / 12)),$((_ch / 3 + _ch / 30))" \
		   \( "$_in" -sample "$((_k * 100))%" \) -geometry "+$_px+$_py" \
		   -compose multiply -composite +geometry \
		   -alpha set -virtual-pixel transparent -background none \
		   -define distort:viewport="${_W}x${_H}+0+0" \
		   -distort Perspective "$_pts" \) \
		-compose over -composite \
		\( -size "${_W}x${_H}" radial-gradient:white-'#9a9a9a' \) \
		-compose multiply -composite \
		$(_distort_finish $((_v + 1))) "$_out"
}

# distort_curve IN OUT SIZE [VARIANT]
distort_curve() {
	_in=$1 _out=$2 _size=$3 _v=${4:-0}
	_pw=$($_did -format %w "$_in") || return
	_k=$(_distort_k "$_size" "$_pw")
	# The page, unrolled: arc length s runs from the spine (s = 0) out;
	# the page lies flat (z = 0) from s0 on and, nearer the spine, bends
	# up along a circle of radius R, so that at arc length t = s0 - s
	# into the bend it has turned by t/R: X = s0 - R sin(t/R),
	# z = R (1 - cos(t/R)).  The code's near part, a fraction f of its
	# width, lies on the bend and turns by up to thc there (60 degrees
	# or so; 25 when mild); the page goes on to thc + 18 degrees at the
	# spine.  A pinhole camera at height D above the code looks straight
	# down: x = cx + F (X - Xc) / (D - z), y = cy + F (Y - Yc) / (D - z),
	# so columns crowd into the bend and the rows there, nearer the lens,
	# bow outwards.  The map is x-separable, so each thin strip of page
	# columns goes by its own four-point perspective (40 strips on the
	# bend, one for the flat part, each drawn only into its own columns of
	# the photo through distort:viewport); awk writes those and the
	# shading (light falls off as the page turns away) as one row.
	_sh=${_out%.*}.shade.pgm
	eval "set -- $(awk -v s="$_size" -v k="$_k" -v pw0="$_pw" -v v="$_v" -v mild="${DISTORT_MILD:-0}" -v shade="$_sh" '
	function rnd(i) { return ((v * 7919 + i * 104729 + 12345) % 1000) / 1000 }
	function gx(u) { return (u >= s0) ? u : s0 - R * sin((s0 - u) / R) }
	function gz(u) { return (u >= s0) ? 0 : R * (1 - cos((s0 - u) / R)) }
	function ix(u) { return cx + F * (gx(u) - Xc) / (D - gz(u)) }
	function iy(u, y) { return cy + F * (y - Yc) / (D - gz(u)) }
	BEGIN {
		pi = atan2(0, -1)
		P = pw0 * k; m = 16 * k; C = P - 2 * m
		q = s / C
		f = mild ? 0.3 : 0.40 + rnd(1) * 0.1
		thc = (mild ? 25 : 58 + rnd(2) * 8) * pi / 180
		R = f * C / thc
		a = R * 18 * pi / 180          # code edge to the spine
		s0 = a + f * C
		D = (mild ? 5 : 3.2) * C; F = q * D
		W = int(s * 2.0); H = int(s * 1.6)
		# page: the permit with its quiet zone at (a - m, py)
		pw = int(a - m + P + 1.6 * C); ph = int(2.6 * C)
		py = int((ph - P) / 2 + (rnd(3) - 0.5) * 0.3 * C)
		Yc = py + m + C / 2; Xc = gx(a + C * (0.45 + rnd(4) * 0.1))
		cx = W / 2 + (rnd(5) - 0.5) * 0.15 * s
		cy = H / 2 + (rnd(6) - 0.5) * 0.15 * s
		printf "%d %d %d %d %d %d", W, H, pw, ph, a - m, py
		# strips: n on the bend, then the flat rest
		n = 40
		for (j = 0; j <= n; j++) u[j] = s0 * j / n
		u[n + 1] = pw
		prev = int(ix(0) + 0.5); if (prev < 0) prev = 0
		spine = prev
		for (j = 0; j <= n; j++) {
			x1 = int(ix(u[j + 1]) + 0.5); if (x1 > W) x1 = W
			if (x1 <= prev) continue
			printf " \"%.3f,%d,%.3f,%.3f %.3f,%d,%.3f,%.3f %.3f,%d,%.3f,%.3f %.3f,%d,%.3f,%.3f\" \"%dx%d+%d+0\"",
			    u[j], 0, ix(u[j]), iy(u[j], 0),
			    u[j + 1], 0, ix(u[j + 1]), iy(u[j + 1], 0),
			    u[j + 1], ph, ix(u[j + 1]), iy(u[j + 1], ph),
			    u[j], ph, ix(u[j]), iy(u[j], ph),
			    x1 - prev, H, prev
			prev = x1
			if (x1 >= W) break
		}
		printf "\n"
		# shading, one row: the page lit from above, its bend turned
		# away by theta, the gutter beyond the spine in shadow
		printf "P2\n%d 1\n1000\n", W > shade
		for (x = 0; x < W; x++) {
			if (x < spine) { printf "%d\n", 450 > shade; continue }
			lo = 0; hi = s0
			for (i = 0; i < 30; i++) { mid = (lo + hi) / 2; if (ix(mid) < x) lo = mid; else hi = mid }
			th = (lo >= s0) ? 0 : (s0 - lo) / R
			printf "%d\n", 1000 * (0.55 + 0.45 * cos(th)) > shade
		}
		close(shade)
	}')"
	_W=$1 _H=$2 _pw=$3 _ph=$4 _px=$5 _py=$6
	shift 6
	_strips=
	while [ $# -ge 2 ]; do
		_strips="$_strips \\( mpr:page -define distort:viewport=$2 -distort Perspective '$1' \\)"
		shift 2
	done
	# a small turn of the phone, then the spine to the left, top, right
	# or bottom (transpose and flips: -rotate goes through the distort
	# code and would keep the last strip's viewport)
	_rot=$(awk -v v="$_v" 'BEGIN { print (((v * 37) % 9) - 4) * 1.5 }')
	case $((_v % 4)) in
	0) _quarter= ;;
	1) _quarter="-transpose -flop" ;;
	2) _quarter="-flip -flop" ;;
	*) _quarter="-transpose -flip" ;;
	esac
	eval "\$_dim \
		-size ${_W}x${_H} gradient:'#6f6656-#8d8372' \
		\\( -size ${_pw}x${_ph} xc:'#ede3cc' \
		   -fill '#d9cdb1' -draw 'rectangle 0,0 $_pw,$((_ph / 12))' \
		   \\( \"\$_in\" -sample $((_k * 100))% \\) -geometry +$_px+$_py \
		   -compose multiply -composite +geometry -compose over \
		   -virtual-pixel edge -write mpr:page +delete \\) \
		$_strips -flatten \
		\\( $_sh -scale ${_W}x${_H}! \\) -compose multiply -composite \
		-compose over -define distort:viewport=${_W}x${_H}+0+0 \
		-virtual-pixel mirror -distort SRT $_rot $_quarter +repage \
		$(_distort_finish $((_v + 3)) | tr '\n' ' ') \"\$_out\""
	_rc=$?
	rm -f "$_sh"
	return $_rc
}

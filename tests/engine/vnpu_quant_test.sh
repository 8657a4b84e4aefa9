#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnpu-quant from the outside: exact packed bytes for small inputs whose
# encodings are worked out by hand from the OCP MX v1.0 spec and the NVFP4
# scheme (see formats.h), round trips, and every documented error exit.
# Prints TAP; needs VNPU_BIN (the directory holding vnpu-quant).
set -u
Q=${VNPU_BIN:?VNPU_BIN must name the directory holding vnpu-quant}/vnpu-quant
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n $1"
	shift
	for l in "$@"; do echo "#   $l"; done
}

# f32 V...: little-endian FP32 bytes of the given bit patterns (hex).
f32() {
	for u in "$@"; do
		printf "\\x${u:6:2}\\x${u:4:2}\\x${u:2:2}\\x${u:0:2}"
	done
}

hex() {
	od -An -v -tx1 "$1" | tr -s ' \n' ' ' | sed 's/^ //;s/ $//'
}

# zeros N: N "00" words
zeros() {
	local i s=
	for ((i = 0; i < $1; i++)); do s+=" 00"; done
	echo "${s# }"
}

# expect_bytes NAME FILE "hex bytes"
expect_bytes() {
	local got
	got=$(hex "$2")
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "want: $3" "got:  $got"
	fi
}

# expect_exit NAME CODE MESSAGE-SUBSTRING -- ARGS... (stdin from $IN)
IN=/dev/null
expect_exit() {
	local name=$1 code=$2 msg=$3 rc
	shift 4
	"$Q" "$@" < "$IN" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" = "$code" ] && grep -qF -- "$msg" "$tmp/err"; then
		ok "$name"
	else
		not_ok "$name" "want exit $code and '$msg'" \
			"got exit $rc: $(head -c 200 "$tmp/err")"
	fi
}

echo "TAP version 13"
echo "1..38"

# ---- exact encodings --------------------------------------------------------
# Header: "VNPQ", version 1, format, block (LE16), n (LE64), tensor scale
# (FP32 LE), 4 zero bytes.
hdr() {	# fmt-byte block-lo n-lo tscale-bytes
	echo "56 4e 50 51 01 $1 $2 00 $3 00 00 00 00 00 00 00 $4 00 00 00 00"
}
ONE="00 00 80 3f"

# MXFP4, one partial block: 1 2 3 4 6 0.5 -1 0. amax 6: floor(log2 6) = 2,
# minus emax(E2M1) = 2 -> shared exponent 0, scale code 127 (0x7f).
# E2M1 codes: 1->2 2->4 3->5 4->6 6->7 0.5->1 -1->0xa 0->0; element 2i in
# the low nibble: 0x42 0x65 0x17 0x0a, then 12 zero bytes of padding.
f32 3f800000 40000000 40400000 40800000 40c00000 3f000000 bf800000 00000000 \
	> "$tmp/a.f32"
"$Q" -f mxfp4 "$tmp/a.f32" > "$tmp/a.mxq"
expect_bytes "mxfp4_exact_codes_scale_and_padding" "$tmp/a.mxq" \
	"$(hdr 08 20 08 "$ONE") 7f 42 65 17 0a $(zeros 12)"

# MXFP4 rounding: amax 0.75 -> floor(log2) -1, shared -3, code 124 (0x7c);
# elements times 8: 0.75->6 (7), 0.3125->2.5 tie->2 (4), 0.625->5 tie->4
# (6), 0.1->0.8 -> 1 (2), -0.0625->-0.5 (9), 0.03125->0.25 tie->0 (0).
f32 3f400000 3ea00000 3f200000 3dcccccd bd800000 3d000000 > "$tmp/b.f32"
"$Q" -f mxfp4 "$tmp/b.f32" > "$tmp/b.mxq"
expect_bytes "mxfp4_round_to_nearest_even_and_scale_below_one" "$tmp/b.mxq" \
	"$(hdr 08 20 06 "$ONE") 7c 47 26 09 $(zeros 13)"

# MXFP4 saturation: amax 7 -> shared 0; 7 clamps to 6 (7), 5 tie->4 (6).
f32 40e00000 40a00000 > "$tmp/c.f32"
"$Q" -f mxfp4 "$tmp/c.f32" > "$tmp/c.mxq"
expect_bytes "mxfp4_clamps_past_the_element_max" "$tmp/c.mxq" \
	"$(hdr 08 20 02 "$ONE") 7f 67 $(zeros 15)"

# MXFP4: a block holding NaN gets scale 0xff and zero codes; the next
# block (all zeros) gets scale code 0.
{ f32 3f800000 7fc00000; for ((i = 2; i < 34; i++)); do f32 00000000; done; } \
	> "$tmp/d.f32"
"$Q" -f mxfp4 "$tmp/d.f32" > "$tmp/d.mxq"
expect_bytes "mxfp4_nan_block_and_zero_block_scales" "$tmp/d.mxq" \
	"$(hdr 08 20 22 "$ONE") ff $(zeros 16) 00 $(zeros 16)"

# NVFP4 with -t 1: s = E4M3(amax / 6). amax 3 -> E4M3(0.5) = 0x30;
# elements v / 0.5: 3->6 (7), 1->2 (4), -0.25->-0.5 (9), 0.5->1 (2).
f32 40400000 3f800000 be800000 3f000000 > "$tmp/e.f32"
"$Q" -f nvfp4 -t 1 "$tmp/e.f32" > "$tmp/e.nvq"
expect_bytes "nvfp4_given_tensor_scale_exact_bytes" "$tmp/e.nvq" \
	"$(hdr 0c 10 04 "$ONE") 30 47 29 $(zeros 6)"

# NVFP4 default tensor scale t = amax / (6 * 448): amax 2688 gives t = 1;
# s = E4M3(2688 / 6 = 448) = 0x7e; 2688 / 448 = 6 (7), 448 / 448 = 1 (2),
# -896 / 448 = -2 (0xc).
f32 45280000 43e00000 c4600000 > "$tmp/f.f32"
"$Q" -f nvfp4 "$tmp/f.f32" > "$tmp/f.nvq"
expect_bytes "nvfp4_default_tensor_scale_exact_bytes" "$tmp/f.nvq" \
	"$(hdr 0c 10 03 "$ONE") 7e 27 0c $(zeros 6)"

# NVFP4 tensor scale stored as given: -t 0.5 -> 0x3f000000; amax 3 ->
# s = E4M3(3 / 3 = 1) = 0x38, elements v / 0.5: 3->6 (7).
f32 40400000 > "$tmp/g.f32"
"$Q" -f nvfp4 -t 0.5 "$tmp/g.f32" > "$tmp/g.nvq"
expect_bytes "nvfp4_tensor_scale_in_header" "$tmp/g.nvq" \
	"$(hdr 0c 10 01 "00 00 00 3f") 38 07 $(zeros 7)"

# MXFP8 (E4M3): amax 1 -> floor(log2) 0, minus emax 8 -> shared -8, code
# 119 (0x77); elements times 256: 1->256 = 2^8 (0x78), 0.5->128 (0x70),
# -0.75->-192 = -1.5 * 2^7 (0xf4), 2^-17 -> 2^-9 min subnormal (0x01),
# 0.001->0.256 = 1.024 * 2^-2 rounds to 2^-2 with 3 mantissa bits (0x28).
f32 3f800000 3f000000 bf400000 37000000 3a83126f > "$tmp/h.f32"
"$Q" -f mxfp8 "$tmp/h.f32" > "$tmp/h.mxq"
expect_bytes "mxfp8_e4m3_exact_bytes" "$tmp/h.mxq" \
	"$(hdr 09 20 05 "$ONE") 77 78 70 f4 01 28 $(zeros 27)"

# MXFP8 E5M2: amax 1 -> shared 0 - 15 = -15, code 112 (0x70); times 2^15:
# 1 -> 2^15 (exp 30: 0x78), -0.375 -> -1.5 * 2^13 (exp 28, m 10: 0xf2),
# 2^-31 -> 2^-16 min subnormal (0x01).
f32 3f800000 bec00000 30000000 > "$tmp/i.f32"
"$Q" -f mxfp8_e5m2 "$tmp/i.f32" > "$tmp/i.mxq"
expect_bytes "mxfp8_e5m2_exact_bytes" "$tmp/i.mxq" \
	"$(hdr 0a 20 03 "$ONE") 70 78 f2 01 $(zeros 29)"

# MXINT8: amax 1 -> shared 0 (emax 0), code 127; q = v * 64 RNE:
# 1->64 (0x40), -0.5->-32 (0xe0), 0.01->0.64->1 (0x01),
# 0.0078125 -> 0.5 tie->0 (0x00), 0.0234375 -> 1.5 tie->2 (0x02).
f32 3f800000 bf000000 3c23d70a 3c000000 3cc00000 > "$tmp/j.f32"
"$Q" -f mxint8 "$tmp/j.f32" > "$tmp/j.mxq"
expect_bytes "mxint8_exact_bytes" "$tmp/j.mxq" \
	"$(hdr 0b 20 05 "$ONE") 7f 40 e0 01 00 02 $(zeros 27)"

# ---- round trips ------------------------------------------------------------
# representable values decode to the same FP32 bits
"$Q" -d "$tmp/a.mxq" > "$tmp/a.back"
if cmp -s "$tmp/a.f32" "$tmp/a.back"; then
	ok "mxfp4_representable_values_round_trip_exactly"
else
	not_ok "mxfp4_representable_values_round_trip_exactly" \
		"want $(hex "$tmp/a.f32")" "got  $(hex "$tmp/a.back")"
fi
"$Q" -d "$tmp/e.nvq" > "$tmp/e.back"
expect_bytes "nvfp4_decode_is_e2m1_times_scale_times_tensor_scale" "$tmp/e.back" \
	"00 00 40 40 00 00 80 3f 00 00 80 be 00 00 00 3f"
"$Q" -d "$tmp/d.mxq" > "$tmp/d.back"
if [ "$(od -An -v -tx4 -N4 "$tmp/d.back" | tr -d ' ')" = 7fc00000 ] &&
   [ "$(stat -c %s "$tmp/d.back")" = 136 ]; then
	ok "nan_scale_block_decodes_to_nan"
else
	not_ok "nan_scale_block_decodes_to_nan" "got $(hex "$tmp/d.back" | head -c 60)"
fi

# a larger pseudo-random input: encode(decode(encode(x))) == encode(x), for
# every format; the decoded values are what the blocks represent.
awk 'BEGIN { s = 7; for (i = 0; i < 1000; i++) {
	s = (s * 69069 + 1) % 4294967296;
	e = 110 + (s % 20); m = int(s / 512) % 8388608; sg = (s % 7 == 0);
	printf "%08x\n", sg * 2147483648 + e * 8388608 + m } }' > "$tmp/r.hex"
f32 $(cat "$tmp/r.hex") > "$tmp/r.f32"
for fmt in mxfp4 nvfp4 mxfp8 mxfp8_e5m2 mxint8; do
	t=
	[ $fmt = nvfp4 ] && t="-t 1"
	"$Q" -f $fmt $t "$tmp/r.f32" > "$tmp/r1" &&
		"$Q" -d "$tmp/r1" > "$tmp/r.dec" &&
		"$Q" -f $fmt $t "$tmp/r.dec" > "$tmp/r2"
	if [ $? = 0 ] && cmp -s "$tmp/r1" "$tmp/r2" &&
	   [ "$(stat -c %s "$tmp/r.dec")" = 4000 ]; then
		ok "${fmt}_encode_decode_encode_is_stable"
	else
		not_ok "${fmt}_encode_decode_encode_is_stable"
	fi
done

# -o writes the same bytes as standard output
"$Q" -f mxfp4 -o "$tmp/a2.mxq" < "$tmp/a.f32"
if cmp -s "$tmp/a.mxq" "$tmp/a2.mxq"; then
	ok "output_option_and_stdin_give_the_same_stream"
else
	not_ok "output_option_and_stdin_give_the_same_stream"
fi

# ---- documented errors --------------------------------------------------------
expect_exit "unknown_format_is_usage_error" 2 "unknown format 'fp3'" -- -f fp3
expect_exit "missing_format_is_usage_error" 2 "missing -f FORMAT" --
expect_exit "decode_with_format_is_usage_error" 2 "-d takes no -f" -- -d -f mxfp4
expect_exit "two_inputs_is_usage_error" 2 "more than one input file" -- \
	-f mxfp4 "$tmp/a.f32" "$tmp/a.f32"
expect_exit "bad_tensor_scale_text_is_usage_error" 2 "bad tensor scale 'x1'" -- \
	-f nvfp4 -t x1
expect_exit "bad_seed_is_usage_error" 2 "bad seed 'q'" -- \
	-f mxfp4 --stochastic q
expect_exit "unknown_option_is_usage_error" 2 "Try 'vnpu-quant --help'" -- --frobnicate
expect_exit "unreadable_input_is_io_error" 3 "cannot open" -- \
	-f mxfp4 "$tmp/no-such-file"
IN=$tmp/a.f32
expect_exit "full_output_is_io_error" 3 "write error" -- -f mxfp4 -o /dev/full
expect_exit "directory_input_is_read_error" 3 "read error" -- -f mxfp4 "$tmp"
printf 'abcde' > "$tmp/odd"
IN=$tmp/odd
expect_exit "input_not_multiple_of_4_is_data_error" 1 "not a multiple of 4" -- -f mxfp4
IN=$tmp/d.f32
expect_exit "nvfp4_nan_input_needs_tensor_scale" 1 "give --tensor-scale" -- -f nvfp4
IN=$tmp/a.f32
expect_exit "nvfp4_negative_tensor_scale_is_data_error" 1 \
	"tensor scale must be positive and finite" -- -f nvfp4 -t -1
IN=$tmp/a.f32
expect_exit "decode_of_non_stream_is_data_error" 1 "bad magic" -- -d
head -c 40 "$tmp/a.mxq" > "$tmp/short"
expect_exit "decode_truncated_stream_is_data_error" 1 \
	"stream length does not match" -- -d "$tmp/short"
{ head -c 4 "$tmp/a.mxq"; printf '\x02'; tail -c +6 "$tmp/a.mxq"; } > "$tmp/v2"
expect_exit "decode_other_version_is_data_error" 1 "unsupported stream version" -- \
	-d "$tmp/v2"
{ head -c 5 "$tmp/a.mxq"; printf '\x01'; tail -c +7 "$tmp/a.mxq"; } > "$tmp/f1"
expect_exit "decode_non_block_format_is_data_error" 1 "unknown format or block size" -- \
	-d "$tmp/f1"
{ head -c 6 "$tmp/a.mxq"; printf '\x10'; tail -c +8 "$tmp/a.mxq"; } > "$tmp/b16"
expect_exit "decode_wrong_block_size_is_data_error" 1 "unknown format or block size" -- \
	-d "$tmp/b16"
if "$Q" --help | grep -q "Stream layout" && [ "${PIPESTATUS[0]}" = 0 ]; then
	ok "help_documents_the_stream_layout"
else
	not_ok "help_documents_the_stream_layout"
fi

[ $failed = 0 ]

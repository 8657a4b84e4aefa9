// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu-quant: FP32 <-> packed MXFP4 / NVFP4 / MXFP8 / MXINT8 streams, using
 * the engine's bit-exact quantizer, so the formats can be checked from
 * outside. See --help for the stream layout.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnpu_engine/formats.h>

#define EXIT_DATA 1	/* bad input data */
#define EXIT_USAGE 2	/* bad command line */
#define EXIT_IO 3	/* cannot read or write */

static const char help[] =
"Usage: vnpu-quant [OPTIONS] -f FORMAT [INPUT]\n"
"       vnpu-quant -d [OPTIONS] [INPUT]\n"
"\n"
"Quantize little-endian FP32 values into a packed block format, or (-d)\n"
"decode such a stream back to FP32. INPUT defaults to standard input;\n"
"output goes to standard output unless -o is given.\n"
"\n"
"Options:\n"
"  -f, --format FMT     mxfp4 | nvfp4 | mxfp8 (= mxfp8_e4m3) | mxfp8_e5m2 |\n"
"                       mxint8\n"
"  -d, --decode         decode a vnpu-quant stream to FP32\n"
"  -o, --output FILE    write to FILE instead of standard output\n"
"  -t, --tensor-scale X NVFP4: use FP32 tensor scale X instead of\n"
"                       amax / (6 * 448)\n"
"      --mse            non-spec: per block, keep the neighbouring scale\n"
"                       with the least squared error\n"
"      --stochastic SEED\n"
"                       non-spec: stochastic rounding of the elements,\n"
"                       reproducible from SEED\n"
"  -h, --help           this text\n"
"\n"
"Number formats (OCP Microscaling Formats spec v1.0; NVIDIA NVFP4):\n"
"  E2M1  FP4: sign, 2 exponent bits (bias 1), 1 mantissa bit; values 0, 0.5,\n"
"        1, 1.5, 2, 3, 4, 6 and negatives; code bit 3 is the sign.\n"
"  E4M3  FP8: bias 7, max 448, NaN = S.1111.111, no Inf.\n"
"  E5M2  FP8: bias 15, max 57344, IEEE-style Inf and NaN.\n"
"  E8M0  scale: 2^(code - 127); 0xff is NaN.\n"
"  INT8  two's complement, value = code * 2^-6.\n"
"  MX formats: blocks of 32 elements share an E8M0 scale\n"
"  X = 2^(floor(log2(amax)) - emax), emax = 2 (E2M1), 8 (E4M3), 15 (E5M2),\n"
"  0 (INT8); elements are v / X rounded to nearest even, clamped to the\n"
"  largest finite element (INT8: to +-127). A block holding NaN or Inf gets\n"
"  scale 0xff and decodes to NaN. An all-zero block gets scale code 0.\n"
"  NVFP4: blocks of 16 E2M1 elements with an E4M3 scale\n"
"  s = E4M3(amax(block) / (6 * t)) and an FP32 tensor scale t; elements are\n"
"  v / (E4M3(s) * t); decoding is (E2M1 * E4M3(s)) * t. A NaN block gets\n"
"  scale 0x7f.\n"
"\n"
"Stream layout (all integers little-endian):\n"
"  offset 0   4 bytes  magic \"VNPQ\"\n"
"         4   1 byte   version, 1\n"
"         5   1 byte   format: 8 mxfp4, 9 mxfp8_e4m3, 10 mxfp8_e5m2,\n"
"                      11 mxint8, 12 nvfp4\n"
"         6   2 bytes  block size (32, or 16 for nvfp4)\n"
"         8   8 bytes  element count n\n"
"        16   4 bytes  FP32 tensor scale (nvfp4; 1.0 otherwise)\n"
"        20   4 bytes  zero\n"
"        24   ceil(n / block) blocks, each: 1 scale byte, then the element\n"
"             codes: FP4 formats pack element 2i in the low nibble and\n"
"             2i+1 in the high nibble of byte i (16 bytes for mxfp4, 8 for\n"
"             nvfp4); FP8 and INT8 take one byte per element (32 bytes).\n"
"             A partial last block is padded with zero elements.\n"
"\n"
"Exit status: 0 success, 1 bad input data, 2 bad usage, 3 I/O error.\n"
"\n"
"Examples:\n"
"  vnpu-quant -f mxfp4 weights.f32 > weights.mxq\n"
"  vnpu-quant -d weights.mxq > roundtrip.f32\n";

static const struct { const char *name; uint32_t fmt; } fmts[] = {
	{ "mxfp4", VNPU_FMT_MXFP4 },
	{ "nvfp4", VNPU_FMT_NVFP4 },
	{ "mxfp8", VNPU_FMT_MXFP8_E4M3 },
	{ "mxfp8_e4m3", VNPU_FMT_MXFP8_E4M3 },
	{ "mxfp8_e5m2", VNPU_FMT_MXFP8_E5M2 },
	{ "mxint8", VNPU_FMT_MXINT8 },
};

static int die(int code, const char *fmt, const char *arg)
{
	fprintf(stderr, "vnpu-quant: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return code;
}

static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap), *nb;

	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				return NULL;
			}
			*len = n;
			return buf;
		}
		cap *= 2;
		nb = realloc(buf, cap);
		if (!nb)
			free(buf);
		buf = nb;
	}
	return NULL;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Bytes of codes per block. */
static size_t block_code_bytes(uint32_t fmt)
{
	return vnpu_fmt_block(fmt) * vnpu_fmt_bits(fmt) / 8;
}

static int encode(uint32_t fmt, const uint8_t *in, size_t len, FILE *out,
		  const float *tscale_opt, const struct vnpu_quant_opts *o)
{
	size_t n = len / 4, bs = vnpu_fmt_block(fmt), nb = (n + bs - 1) / bs;
	size_t cb = block_code_bytes(fmt);
	float *x = malloc(sizeof(float) * (n ? n : 1)), t = 1.0f;
	uint8_t *codes = calloc(nb * cb + 1, 1), *scales = calloc(nb + 1, 1);
	uint8_t hdr[24] = { 'V', 'N', 'P', 'Q', 1 };
	uint32_t tb;
	int ret = 0;

	if (!x || !codes || !scales)
		return die(EXIT_IO, "%s", "out of memory");
	for (size_t i = 0; i < n; i++) {
		uint32_t u = (uint32_t)get_le(in + 4 * i, 4);

		memcpy(&x[i], &u, 4);
	}
	if (fmt == VNPU_FMT_NVFP4) {
		if (tscale_opt)
			t = *tscale_opt;
		else
			vnpu_nvfp4_tensor_scale(x, n, &t);
		if (!(t > 0.0f) || isinf(t)) {
			ret = die(EXIT_DATA, "%s", tscale_opt ?
				  "tensor scale must be positive and finite" :
				  "input holds NaN or Inf: give --tensor-scale");
			goto out;
		}
	}
	if (n && vnpu_quantize(fmt, x, n, codes, scales, &t, o)) {
		ret = die(EXIT_DATA, "%s", "quantization failed");
		goto out;
	}
	hdr[5] = (uint8_t)fmt;
	put_le(hdr + 6, bs, 2);
	put_le(hdr + 8, n, 8);
	memcpy(&tb, &t, 4);
	put_le(hdr + 16, tb, 4);
	if (fwrite(hdr, 1, 24, out) != 24) {
		ret = die(EXIT_IO, "%s", "write error");
		goto out;
	}
	for (size_t b = 0; b < nb; b++) {
		if (fwrite(&scales[b], 1, 1, out) != 1 ||
		    fwrite(codes + b * cb, 1, cb, out) != cb) {
			ret = die(EXIT_IO, "%s", "write error");
			goto out;
		}
	}
out:
	free(x);
	free(codes);
	free(scales);
	return ret;
}

static int decode(const uint8_t *in, size_t len, FILE *out)
{
	uint32_t fmt, bs, tb;
	uint64_t n;
	size_t cb, nb;
	float t, y[32];
	int ret = 0;

	if (len < 24 || memcmp(in, "VNPQ", 4))
		return die(EXIT_DATA, "%s", "not a vnpu-quant stream (bad magic)");
	if (in[4] != 1)
		return die(EXIT_DATA, "%s", "unsupported stream version");
	fmt = in[5];
	bs = (uint32_t)get_le(in + 6, 2);
	if (vnpu_fmt_block(fmt) < 16 || bs != vnpu_fmt_block(fmt))
		return die(EXIT_DATA, "%s", "unknown format or block size in header");
	n = get_le(in + 8, 8);
	tb = (uint32_t)get_le(in + 16, 4);
	memcpy(&t, &tb, 4);
	cb = block_code_bytes(fmt);
	nb = (size_t)((n + bs - 1) / bs);
	if (n > ((uint64_t)len << 3) || len - 24 != nb * (1 + cb))
		return die(EXIT_DATA, "%s", "stream length does not match the header");
	for (size_t b = 0; b < nb; b++) {
		const uint8_t *blk = in + 24 + b * (1 + cb);
		size_t cnt = n - b * bs < bs ? (size_t)(n - b * bs) : bs;

		vnpu_dequantize(fmt, blk + 1, blk, &t, cnt, y);
		for (size_t i = 0; i < cnt; i++) {
			uint8_t le[4];
			uint32_t u;

			memcpy(&u, &y[i], 4);
			put_le(le, u, 4);
			if (fwrite(le, 1, 4, out) != 4)
				return die(EXIT_IO, "%s", "write error");
		}
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "decode", no_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "tensor-scale", required_argument, NULL, 't' },
		{ "mse", no_argument, NULL, 'M' },
		{ "stochastic", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct vnpu_quant_opts o = { 0 };
	const char *outname = NULL;
	uint32_t fmt = 0;
	bool dec = false, have_t = false;
	float t = 0;
	FILE *in = stdin, *out = stdout;
	uint8_t *buf;
	size_t len;
	int c, ret;
	char *end;

	while ((c = getopt_long(argc, argv, "f:do:t:h", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
				if (!strcmp(optarg, fmts[i].name))
					fmt = fmts[i].fmt;
			if (!fmt)
				return die(EXIT_USAGE, "unknown format '%s' (see --help)", optarg);
			break;
		case 'd':
			dec = true;
			break;
		case 'o':
			outname = optarg;
			break;
		case 't':
			errno = 0;
			t = strtof(optarg, &end);
			if (errno || *end || end == optarg)
				return die(EXIT_USAGE, "bad tensor scale '%s'", optarg);
			have_t = true;
			break;
		case 'M':
			o.flags |= VNPU_Q_MSE_SCALE;
			break;
		case 'S':
			errno = 0;
			o.seed = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg)
				return die(EXIT_USAGE, "bad seed '%s'", optarg);
			o.flags |= VNPU_Q_STOCHASTIC;
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		default:
			fputs("Try 'vnpu-quant --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (!dec && !fmt)
		return die(EXIT_USAGE, "%s", "missing -f FORMAT (or -d to decode); see --help");
	if (dec && (fmt || have_t || o.flags))
		return die(EXIT_USAGE, "%s", "-d takes no -f, -t, --mse or --stochastic");
	if (optind + 1 < argc)
		return die(EXIT_USAGE, "%s", "more than one input file");
	if (optind < argc && strcmp(argv[optind], "-")) {
		in = fopen(argv[optind], "rb");
		if (!in)
			return die(EXIT_IO, "cannot open '%s'", argv[optind]);
	}
	buf = read_all(in, &len);
	if (in != stdin)
		fclose(in);
	if (!buf)
		return die(EXIT_IO, "%s", "read error");
	if (!dec && len % 4) {
		free(buf);
		return die(EXIT_DATA, "%s", "input length is not a multiple of 4 bytes (FP32)");
	}
	if (outname) {
		out = fopen(outname, "wb");
		if (!out) {
			free(buf);
			return die(EXIT_IO, "cannot create '%s'", outname);
		}
	}
	ret = dec ? decode(buf, len, out) : encode(fmt, buf, len, out,
						   have_t ? &t : NULL, &o);
	free(buf);
	if (fclose(out) && !ret)
		ret = die(EXIT_IO, "%s", "write error");
	return ret;
}

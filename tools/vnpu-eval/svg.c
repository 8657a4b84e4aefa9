// SPDX-License-Identifier: GPL-2.0
/*
 * The plot as a standalone SVG 1.1 file, panels stacked vertically, each
 * against bits per weight (log2 axis) with one series per quantization
 * method and the FP32/BF16 points as their own series: the MLP's test
 * error (FP32's level dashed), the MLP's KL divergence from the FP32
 * program (log axis: the BF16 point sits orders of magnitude below the
 * FP4 ones; FP32, at zero, has no point there), and the transformer's KL
 * when it was measured.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval.h"

#define PW 460.0	/* panel plot area */
#define PH 300.0
#define ML 70.0		/* margins around it */
#define MT 40.0
#define MB 60.0
#define MR 130.0	/* the legend */

static const char *const methods[] = { "rtn", "mse", "hadamard", "hadamard+mse", "-" };
static const char *const colors[] = { "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#000000" };
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

typedef double (*yfn)(const struct eval_row *w);

static double y_error(const struct eval_row *w)
{
	return w->n ? 100.0 - 100.0 * w->correct / w->n : 0.0;
}

static double y_kl(const struct eval_row *w)
{
	return w->kl;
}

static void text(FILE *f, double x, double y, const char *anchor, int size,
		 const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">", x, y,
		anchor, size);
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
	fputs("</text>\n", f);
}

/* A step of 1, 2 or 5 times a power of ten giving about 5 ticks over RANGE. */
static double nice_step(double range)
{
	double p = pow(10.0, floor(log10(range / 5.0))), m = range / 5.0 / p;

	return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

static double xpos(double x0, double bits)
{
	return x0 + (log2(bits) - 2.0) / 3.0 * PW;	/* 4 .. 32 bits */
}

/* Y of row W on the panel's axis (log10 when LOGY; NaN: no point). */
static double yval(const struct eval_row *w, yfn y, int logy)
{
	double v = y(w);

	if (w->state != ROW_OK || !isfinite(v) || (logy && v <= 0.0))
		return NAN;
	return logy ? log10(v) : v;
}

static void panel(FILE *f, double oy, const char *title, const char *ylabel,
		  const struct eval_row *rows, uint32_t n, yfn y, int logy)
{
	double x0 = ML, y0 = oy + MT, lo = HUGE_VAL, hi = -HUGE_VAL, step, v, ref = NAN;
	char buf[64];
	uint32_t i, m, shown = 0;

	for (i = 0; i < n; i++) {
		v = yval(&rows[i], y, logy);
		if (isnan(v))
			continue;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		if (rows[i].weight_format == 1)	/* FP32 */
			ref = v;
	}
	if (lo > hi)
		lo = hi = 0.0;
	if (logy) {	/* whole decades */
		step = 1.0;
		lo = floor(lo);
		hi = ceil(hi);
		if (hi - lo < 1.0)
			hi = lo + 1.0;
	} else {	/* nice steps, half a step of room around the points */
		if (hi - lo < 1e-9)
			hi = lo + (lo ? fabs(lo) * 0.1 : 1.0);
		step = nice_step(hi - lo);
		lo = floor((lo - step / 2) / step) * step;
		hi = ceil((hi + step / 2) / step) * step;
	}
#define YPOS(val) (y0 + PH - ((val) - lo) / (hi - lo) * PH)

	text(f, x0 + PW / 2, oy + 24, "middle", 15, title);
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		"stroke=\"#444\"/>\n", x0, y0, PW, PH);
	for (v = lo; v <= hi + step / 2; v += step) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			x0, YPOS(v), x0 + PW, YPOS(v));
		if (logy)
			snprintf(buf, sizeof(buf), "1e%d", (int)lrint(v));
		else
			snprintf(buf, sizeof(buf), "%g", fabs(v) < step / 1e6 ? 0.0 : v);
		text(f, x0 - 6, YPOS(v) + 4, "end", 11, buf);
	}
	for (v = 4; v <= 32; v *= 2) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			xpos(x0, v), y0, xpos(x0, v), y0 + PH);
		snprintf(buf, sizeof(buf), "%g", v);
		text(f, xpos(x0, v), y0 + PH + 16, "middle", 11, buf);
	}
	text(f, x0 + PW / 2, y0 + PH + 36, "middle", 12,
	     "bits per weight (log scale; mxfp4 4.25, nvfp4 4.5, mxfp8 8.25, bf16 16, fp32 32)");
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
		"transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n",
		18.0, y0 + PH / 2, 18.0, y0 + PH / 2, ylabel);
	if (!isnan(ref))
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
			"stroke-dasharray=\"4 3\"/>\n", x0, YPOS(ref), x0 + PW, YPOS(ref));

	for (m = 0; m < NMETHODS; m++) {
		double px[EVAL_MAX_ROWS], py[EVAL_MAX_ROWS];
		uint32_t k = 0, a, b;

		for (i = 0; i < n; i++) {
			if (strcmp(rows[i].method, methods[m]) || isnan(yval(&rows[i], y, logy)))
				continue;
			px[k] = rows[i].bits;
			py[k++] = yval(&rows[i], y, logy);
		}
		if (!k)
			continue;
		for (a = 1; a < k; a++)	/* by bits, for the line */
			for (b = a; b > 0 && px[b - 1] > px[b]; b--) {
				double t = px[b]; px[b] = px[b - 1]; px[b - 1] = t;
				t = py[b]; py[b] = py[b - 1]; py[b - 1] = t;
			}
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
			colors[m]);
		for (a = 0; a < k; a++)
			fprintf(f, "%s%.1f,%.1f", a ? " " : "", xpos(x0, px[a]), YPOS(py[a]));
		fputs("\"/>\n", f);
		for (a = 0; a < k; a++)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
				xpos(x0, px[a]), YPOS(py[a]), colors[m]);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
			x0 + PW + 14, y0 + 10 + 16 * shown, colors[m]);
		text(f, x0 + PW + 29, y0 + 19 + 16 * shown, "start", 11,
		     m == NMETHODS - 1 ? "fp32 / bf16" : methods[m]);
		shown++;
	}
#undef YPOS
}

void report_svg(FILE *f, const struct eval_report *r)
{
	uint32_t panels = 2, i, j;
	double w = ML + PW + MR, h = MT + PH + MB;
	char title[160];

	/* one transformer panel per model (its rows are contiguous) */
	for (i = 0; !r->llm_note && i < r->llm_nrows; i++)
		panels += !i || strcmp(r->llm_rows[i].model, r->llm_rows[i - 1].model);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		w, h * panels, w, h * panels);
	panel(f, 0, "MLP: test error against weight bits", "test error (%)",
	      r->rows, r->nrows, y_error, 0);
	panel(f, h, "MLP: KL(FP32 program || format) of the outputs",
	      "mean KL (nats, log scale)", r->rows, r->nrows, y_kl, 1);
	for (i = 0, panels = 2; !r->llm_note && i < r->llm_nrows; i = j, panels++) {
		for (j = i + 1; j < r->llm_nrows && !strcmp(r->llm_rows[j].model,
							    r->llm_rows[i].model); j++)
			;
		snprintf(title, sizeof(title), "Transformer %s: KL(FP32 || format) of the logits",
			 r->llm_rows[i].model);
		panel(f, panels * h, title, "mean KL (nats, log scale)", r->llm_rows + i, j - i,
		      y_kl, 1);
	}
	fputs("</svg>\n", f);
}

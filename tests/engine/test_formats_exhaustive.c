// SPDX-License-Identifier: GPL-2.0
/*
 * Every one of the 2^32 FP32 inputs through every element conversion,
 * against the spec reference (check-long). Magnitudes are walked in
 * increasing order with a moving bracket, both signs checked, split over
 * two threads.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "fmt_cases.h"

struct sweep {
	const struct conv_case *c;
	uint32_t lo, hi;	/* magnitude range [lo, hi) */
	uint64_t bad;
	uint32_t first_bad;
};

static void *sweep_run(void *arg)
{
	struct sweep *s = arg;
	const struct conv_case *c = s->c;
	uint32_t k = ref_bracket(&c->f, (double)ref_bits_f(s->lo));

	for (uint64_t u = s->lo; u < s->hi; u++) {
		double ax = (double)ref_bits_f((uint32_t)u);
		uint32_t want, want_neg;

		if (u < 0x7f800000u) {
			/* val[k] <= ax < val[k + 1]: the bracket only moves up */
			while (k <= c->f.maxcode && c->f.val[k + 1] <= ax)
				k++;
			want = ref_pick(&c->f, ax, k);
			if (want > c->f.maxcode)
				want = c->sat ? c->f.maxcode : c->ovf_code;
			want_neg = want | c->f.sign_bit;
		} else {
			want = conv_expect(c, (uint32_t)u);
			want_neg = conv_expect(c, (uint32_t)u | 0x80000000u);
		}
		if (c->conv((uint32_t)u, c->sat) != want ||
		    c->conv((uint32_t)u | 0x80000000u, c->sat) != want_neg) {
			if (!s->bad++)
				s->first_bad = (uint32_t)u;
		}
	}
	return NULL;
}

FIXTURE(sweep) {};
FIXTURE_SETUP(sweep) {}
FIXTURE_TEARDOWN(sweep) {}

TEST_F_TIMEOUT(sweep, all_fp32_inputs_match_reference_for_every_format, 3600)
{
	struct conv_case cs[8];
	int n = conv_cases(cs);

	for (int i = 0; i < n; i++) {
		struct sweep sw[2] = {
			{ &cs[i], 0, 0x40000000u, 0, 0 },
			{ &cs[i], 0x40000000u, 0x80000000u, 0, 0 },
		};
		pthread_t t;

		pthread_create(&t, NULL, sweep_run, &sw[1]);
		sweep_run(&sw[0]);
		pthread_join(t, NULL);
		for (int j = 0; j < 2; j++) {
			EXPECT_EQ(0, sw[j].bad)
				TH_LOG("%s: %llu mismatches, first at %#010x",
				       cs[i].name, (unsigned long long)sw[j].bad,
				       sw[j].first_bad);
		}
		ksft_print_msg("%s: all 2^32 inputs checked\n", cs[i].name);
	}
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The card profiles' figures, shared by the driver (vnpu_emu_profile.c)
 * and userspace tools (vnpu-bench model): one line per card, expanded by
 * the includer's VNPU_EMU_PROFILE(...) macro, defined before including
 * this file. No includes and no kernel types, so both sides can use it.
 *
 * atlas350 and 950dt are the two Ascend 950 boards: the same chip, so the
 * same compute, with different memory (HiBL 1.0: 112 GB at 1.4 TB/s;
 * HiZQ 2.0: 144 GB at 4.0 TB/s). FP8 and BF16 peaks follow the usual
 * halving per doubling of operand width. h20 carries NVIDIA H20 figures
 * as a comparison point (no FP4 units); it still enumerates as a vnpu
 * card. Capacities are binary GiB, the unit HBM stacks come in.
 *
 * VNPU_EMU_PROFILE(key, name, device id, memory GiB,
 *	dense FP4 / FP8 / BF16 TFLOP/s, memory GB/s, link GB/s, TDP W)
 */
/* Deliberately no include guard: each includer expands it once. */
VNPU_EMU_PROFILE("atlas350", "Atlas 350", 0xd807, 112, 1560, 780, 390, 1400, 2000, 600)
VNPU_EMU_PROFILE("950dt", "Ascend 950DT", 0xd808, 144, 1560, 780, 390, 4000, 2000, 600)
VNPU_EMU_PROFILE("h20", "H20 (reference)", 0xd8f0, 96, 0, 296, 148, 4000, 900, 400)

// SPDX-License-Identifier: GPL-2.0
/* npu-smi: the manual, whole (npu-smi --help) or per command (help CMD). */
#include <stdio.h>
#include <string.h>

#include "smi.h"

static const char head[] =
"NAME\n"
"    npu-smi - show and set the state of vnpu NPU cards\n"
"\n"
"SYNOPSIS\n"
"Usage: npu-smi info [-l | -t TYPE -i ID]\n"
"       npu-smi info watch [-i ID] [-d SECONDS] [--count N]\n"
"       npu-smi query [--fields=F1,F2,...] [--format=csv[,noheader][,nounits]|json]\n"
"                     [-i ID] [-l SECONDS [--count N]] | --list-fields\n"
"       npu-smi events [-i ID] [--format=json] [--count N] [--timeout SECONDS]\n"
"       npu-smi set -t power-cap -i ID -d WATTS\n"
"       npu-smi version\n"
"       npu-smi help [COMMAND] | -h | --help\n"
"\n"
"DESCRIPTION\n"
"    npu-smi reports the vnpu cards of this machine (the /dev/accel/accelN\n"
"    nodes whose driver is vnpu; ID is that N, the \"NPU ID\"): what they\n"
"    are (DRM GET_PARAM), how they are doing (power, temperature, clocks,\n"
"    utilization and memory from the vnpu generic netlink family), and who\n"
"    uses them (DRM fdinfo of every process). Its human-readable output\n"
"    keeps the layout and key names of Huawei's npu-smi, so scripts written\n"
"    for Ascend cards keep working; `query` gives machine-readable output.\n"
"    Reading the cards needs access to /dev/accel/accel* (root by default).\n"
"\n"
"COMMANDS\n";

static const struct {
	const char *name;
	const char *text;
} cmds[] = {
	{ "info",
"  info\n"
"    The box table of every card, then the processes using them:\n"
"      NPU Name | Health | Power(W) Temp(C) Hugepages-Usage(page)\n"
"      Chip     | Bus-Id | AICore(%) Memory-Usage(MB) HBM-Usage(MB)\n"
"    Memory-Usage is the device memory in use over what host memory backs\n"
"    (the mem_mb budget); HBM-Usage is the same use over the HBM the card\n"
"    reports. Hugepages are always 0 / 0. The process table lists NPU, Chip,\n"
"    Process id, Process name and Process memory(MB) from each process's\n"
"    /proc/PID/fdinfo (a DRM client shared by several fds counts once).\n"
"    Values the card cannot report show as NA.\n"
"\n"
"  info -l\n"
"    Total Count, then NPU ID, Product Name, Serial Number and Chip Count\n"
"    of each card.\n"
"\n"
"  info -t TYPE -i ID\n"
"    One card's details as \"Key : value\" lines, units in the key:\n"
"      board   product, profile, serial, PCIe bus id, vendor/device id, AI\n"
"              cores, HBM capacity and the part backed by host memory,\n"
"              bandwidths, FP4/FP8/BF16 peaks, TDP, driver ABI version\n"
"      power   power now, average, cap, TDP (W), energy (J)\n"
"      temp    die, throttle and critical temperatures (C), throttle reasons\n"
"      memory  HBM capacity, backed, used (MB) and usage rate (%)\n"
"      usages  HBM, AI core and DMA usage rates (%), AI core clocks (MHz)\n"
"      health  OK, Warning (throttling) or Critical (too hot for jobs)\n"
"    e.g. `npu-smi info -t power -i 0 | awk -F' : ' '/Dissipation/ {print $2}'`\n"
"\n"
"  info watch [-i ID] [-d SECONDS] [--count N]\n"
"    One line per card every SECONDS (default 1; fractions allowed), under\n"
"    one header: NpuID(Idx) ChipId(Idx) Pwr(W) Temp(C) AI Core(%) DMA(%)\n"
"    Clock(MHz) Memory(%) Health. Runs until interrupted, or N samples.\n" },
	{ "query",
"  query [--fields=F1,F2,...] [--format=FORMAT] [-i ID] [-l SECONDS] [--count N]\n"
"    The chosen fields of every card (or card ID), like nvidia-smi\n"
"    --query-gpu. Default fields: index, name, health, power.draw,\n"
"    temperature.npu, utilization.aicore, memory.used, memory.total.\n"
"    --list-fields       every field with its unit and meaning\n"
"    --format=csv        a header line (\"power.draw [W]\"), then one line per\n"
"                        card, values separated by \", \" with their unit\n"
"                        (\"90.00 W\"); a missing value is [N/A]. Add\n"
"                        ,noheader and/or ,nounits to drop either.\n"
"    --format=json       one JSON document per sample, on one line:\n"
"                        {\"schema_version\": 1, \"npu_smi_version\": ...,\n"
"                        \"timestamp\": ..., \"npus\": [{FIELD: VALUE, ...}]}\n"
"                        numbers without units, missing values null. The\n"
"                        schema version changes only when a key changes\n"
"                        meaning or goes away.\n"
"    -l, --loop SECONDS  sample again every SECONDS until interrupted\n"
"    --count N           stop after N samples\n" },
	{ "events",
"  events [-i ID] [--format=json] [--count N] [--timeout SECONDS]\n"
"    Follow the card's events (the \"events\" multicast group of the vnpu\n"
"    netlink family), one line each, as they happen:\n"
"      TIMESTAMP NPU ID EVENT [reasons=...] [temp=...C] [ctx=...] [seqno=...]\n"
"                               [offset=...] [error=...]\n"
"    EVENT is throttle_start, throttle_stop, critical_temp, job_fault,\n"
"    job_timeout or reset. --format=json prints one JSON object per line\n"
"    (schema_version, timestamp, npu, event, throttle_reasons, temperature,\n"
"    ctx_id, seqno, offset, error; null when an event has no such value).\n"
"    Stops after N events, or after SECONDS (exit 9 if N events had not\n"
"    arrived by then), or when interrupted.\n" },
	{ "set",
"  set -t power-cap -i ID -d WATTS\n"
"    Cap card ID's power at WATTS (between its idle power and its TDP); the\n"
"    clock drops to hold the cap. Root only: anyone else gets exit 5.\n" },
	{ "version",
"  version\n"
"    The versions that must fit together: npu-smi and the uAPI it was built\n"
"    for, libvnpu (when installed), the vnpu module installed for the\n"
"    running kernel and the one loaded (modinfo version and srcversion,\n"
"    through libkmod), its telemetry interface, and each card's driver ABI.\n"
"    On a mismatch it says what to upgrade or reload, and exits 8.\n" },
	{ "help",
"  help [COMMAND]\n"
"    This manual, or the part about COMMAND.\n" },
};

static const char tail[] =
"\n"
"EXIT STATUS\n"
"Exit status:\n"
"    0   success\n"
"    1   any other failure (said in one sentence on stderr)\n"
"    2   usage error: unknown command, option, field or value\n"
"    3   no card: the module is loaded but has no card, or -i names none\n"
"    4   permission denied opening /dev/accel/accel*: run as root\n"
"    5   needs root: `set` by anyone else\n"
"    6   the vnpu module is installed but not loaded: modprobe vnpu\n"
"    7   the vnpu module is not installed for the running kernel\n"
"    8   versions do not match: the module lacks what npu-smi needs, or the\n"
"        loaded module is not the installed one (npu-smi version says which)\n"
"    9   events: --timeout passed before --count events arrived\n"
"\n"
"EXAMPLES\n"
"    npu-smi info\n"
"    npu-smi info -t board -i 0 | awk -F' : ' '/HBM Capacity/ {print $2}'\n"
"    npu-smi query --fields=index,power.draw,temperature.npu --format=csv,noheader,nounits -l 5\n"
"    npu-smi events --format=json\n"
"    sudo npu-smi set -t power-cap -i 0 -d 300\n"
"\n"
"SEE ALSO\n"
"    sensors(1) (the card's hwmon device is named vnpu),\n"
"    /sys/bus/vnpu/devices/vnpuN/, Documentation/gpu/drm-usage-stats.rst\n";

void smi_help_all(void)
{
	size_t i;

	fputs(head, stdout);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		printf("%s%s", i ? "\n" : "", cmds[i].text);
	fputs(tail, stdout);
}

int smi_help(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(cmd, cmds[i].name)) {
			fputs(cmds[i].text, stdout);
			fputs(tail, stdout);
			return 1;
		}
	}
	return 0;
}

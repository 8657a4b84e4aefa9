// SPDX-License-Identifier: GPL-2.0
/*
 * The card's power and thermal model and where it shows: hwmon, sysfs,
 * DRM fdinfo and the "vnpu" generic netlink family (queries, the power
 * cap, events, malformed messages).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/vnpu_genl.h>

#include "kselftest_harness.h"
#include "vnpu_test_util.h"

#define SYS "/sys/bus/vnpu/devices/vnpu0/"
#define SEC 1000000000ll

static long long read_num(const char *dir, const char *name)
{
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s%s", dir, name);
	if (vnpu_read_line(path, buf, sizeof(buf)))
		return -1;
	return atoll(buf);
}

/* The card's hwmon directory: the hwmon child of the card's device. */
static int hwmon_dir(char *out, size_t len)
{
	FILE *p = popen("ls -d " SYS "hwmon/hwmon*", "r");
	int ok = p && fgets(out, len, p);

	if (p)
		pclose(p);
	if (!ok)
		return -ENOENT;
	out[strcspn(out, "\n")] = '/';
	return 0;
}

/* ---------------------------------------------------------- netlink */

struct genl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno of the last request, from the ack */
	struct nlattr *tb[VNPU_ATTR_MAX + 1];
	int replies;
	uint64_t u64[VNPU_ATTR_MAX + 1];
	uint32_t u32[VNPU_ATTR_MAX + 1];
};

static int genl_on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	((struct genl *)arg)->err = e->error;
	return NL_STOP;
}

static int genl_on_ack(struct nl_msg *msg, void *arg)
{
	((struct genl *)arg)->err = 0;
	return NL_STOP;
}

static int genl_on_reply(struct nl_msg *msg, void *arg)
{
	struct genl *g = arg;
	struct nlattr *tb[VNPU_ATTR_MAX + 1];
	int i;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VNPU_ATTR_MAX, NULL))
		return NL_SKIP;
	g->replies++;
	for (i = 1; i <= VNPU_ATTR_MAX; i++) {
		if (!tb[i])
			continue;
		if (nla_len(tb[i]) == 8)
			g->u64[i] = nla_get_u64(tb[i]);
		else if (nla_len(tb[i]) == 4)
			g->u32[i] = nla_get_u32(tb[i]);
	}
	return NL_OK;
}

static int genl_open(struct genl *g)
{
	memset(g, 0, sizeof(*g));
	g->sk = nl_socket_alloc();
	if (!g->sk || genl_connect(g->sk))
		return -1;
	g->family = genl_ctrl_resolve(g->sk, VNPU_GENL_NAME);
	return g->family < 0 ? -1 : 0;
}

static void genl_close(struct genl *g)
{
	nl_socket_free(g->sk);
}

/* Send MSG, collect replies; returns the kernel's errno (0 or -E...). */
static int genl_request(struct genl *g, struct nl_msg *msg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	g->err = 1;
	g->replies = 0;
	nl_cb_err(cb, NL_CB_CUSTOM, genl_on_error, g);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, genl_on_ack, g);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, genl_on_ack, g);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, genl_on_reply, g);
	nl_send_auto(g->sk, msg);
	while (g->err > 0)
		if (nl_recvmsgs(g->sk, cb) < 0 && g->err > 0)
			break;
	nl_cb_put(cb);
	nlmsg_free(msg);
	return g->err > 0 ? -EIO : g->err;
}

static struct nl_msg *genl_msg(struct genl *g, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0,
		    flags | NLM_F_ACK, cmd, VNPU_GENL_VERSION);
	return msg;
}

/* ---------------------------------------------------------- workload */

/* Keep the AI cores busy with MATMULs until killed. */
static void workload(void)
{
	int fd = vnpu_open_card(0);
	struct vnpu_test_bo w, a, c;
	struct drm_vnpu_submit args;
	struct vnpu_cmd_matmul p;
	struct vnpu_stream s;
	uint32_t ctx, flags[3] = { DRM_VNPU_BO_READ, DRM_VNPU_BO_READ,
				   DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE };
	struct vnpu_test_bo bos[3];

	if (fd < 0 || vnpu_ctx_new(fd, DRM_VNPU_PRIORITY_NORMAL, &ctx) ||
	    vnpu_bo_new(fd, 1 << 20, &w) || vnpu_bo_new(fd, 1 << 20, &a) ||
	    vnpu_bo_new(fd, 1 << 20, &c))
		_exit(1);
	p = (struct vnpu_cmd_matmul){
		.hdr = { .op = VNPU_OP_MATMUL, .size = sizeof(p) },
		.m = 32, .n = 256, .k = 512, .w_fmt = VNPU_CMD_FMT_MXFP4,
		.a_fmt = VNPU_CMD_FMT_FP32, .a_quant = VNPU_CMD_FMT_MXINT8,
		.c_fmt = VNPU_CMD_FMT_FP32, .w = w.va, .a = a.va, .c = c.va,
		.lda = 512, .ldc = 256,
	};
	vnpu_stream_init(&s);
	/*
	 * Eight packets a job: the cores' busy time, not the submit path
	 * between jobs, sets the card's power (a one-packet job left them
	 * idle half the time once the engine got faster).
	 */
	for (int i = 0; i < 8; i++)
		vnpu_stream_add(&s, &p, sizeof(p));
	bos[0] = w;
	bos[1] = a;
	bos[2] = c;
	/* Four jobs in flight, so the cores never wait for the next one. */
	for (;;) {
		int i;

		for (i = 0; i < 4; i++) {
			memset(&args, 0, sizeof(args));
			if (vnpu_submit_stream(fd, ctx, &s, bos, flags, 3, &args))
				_exit(2);
		}
		vnpu_bo_wait(fd, c.handle, 60 * SEC, NULL);
	}
}

/* Two clients, so one's next job is ready whenever the other's ends. */
static pid_t start_workload(void)
{
	pid_t group = fork();

	if (!group) {
		setpgid(0, 0);
		if (!fork())
			workload();
		workload();
	}
	return group;
}

static void stop_workload(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	usleep(100000);
}

/* ---------------------------------------------------------- tests */

FIXTURE(tel) {
	char hw[256];
};

FIXTURE_VARIANT(tel) {
	const char *params;
};

/* Thermal time constant at 1%: the card heats in a fraction of a second. */
FIXTURE_VARIANT_ADD(tel, fast) {
	.params = "thermal_time_scale=1",
};

FIXTURE_SETUP(tel)
{
	ASSERT_TRUE(vnpu_ensure_unloaded());
	ASSERT_EQ(0, vnpu_load(variant->params));
	ASSERT_EQ(0, hwmon_dir(self->hw, sizeof(self->hw)));
	usleep(100000);		/* a few model periods */
}

FIXTURE_TEARDOWN(tel)
{
	EXPECT_TRUE(vnpu_ensure_unloaded());
}

TEST_F(tel, hwmon_is_named_vnpu_and_idle_readings_match_the_profile)
{
	char name[32];
	char path[300];

	snprintf(path, sizeof(path), "%sname", self->hw);
	ASSERT_EQ(0, vnpu_read_line(path, name, sizeof(name)));
	EXPECT_STREQ("vnpu", name);
	/* Atlas 350: 90 W idle, 35 C inlet + 90 W * 0.1 C/W = 44 C. */
	EXPECT_EQ(90000000, read_num(self->hw, "power1_input"));
	EXPECT_EQ(44000, read_num(self->hw, "temp1_input"));
	EXPECT_EQ(85000, read_num(self->hw, "temp1_max"));
	EXPECT_EQ(105000, read_num(self->hw, "temp1_crit"));
	EXPECT_EQ(600000000, read_num(self->hw, "power1_cap"));
	EXPECT_EQ(600000000, read_num(self->hw, "power1_cap_max"));
	EXPECT_EQ(90000000, read_num(self->hw, "power1_cap_min"));
	EXPECT_EQ(0, read_num(SYS, "aicore_util_pct"));
	EXPECT_EQ(1650, read_num(SYS, "clock_mhz"));
}

TEST_F(tel, sysfs_describes_the_card)
{
	char buf[64];

	ASSERT_EQ(0, vnpu_read_line(SYS "throttle_reasons", buf, sizeof(buf)));
	EXPECT_STREQ("none", buf);
	ASSERT_EQ(0, vnpu_read_line(SYS "health", buf, sizeof(buf)));
	EXPECT_STREQ("OK", buf);
	ASSERT_EQ(0, vnpu_read_line(SYS "profile", buf, sizeof(buf)));
	EXPECT_STREQ("atlas350", buf);
	ASSERT_EQ(0, vnpu_read_line(SYS "bus_id", buf, sizeof(buf)));
	EXPECT_STREQ("0000:c1:00.0", buf);
	ASSERT_EQ(0, vnpu_read_line(SYS "serial", buf, sizeof(buf)));
	EXPECT_STREQ("19E5D80700000000", buf);
	ASSERT_EQ(0, vnpu_read_line(SYS "abi_version", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ll + ts.tv_nsec / 1000;
}

TEST_F(tel, energy_only_grows_at_the_idle_rate)
{
	long long t0 = now_us(), e0 = read_num(self->hw, "energy1_input");
	long long e1, t1, joules_x100;

	usleep(500000);
	e1 = read_num(self->hw, "energy1_input");
	t1 = now_us();
	EXPECT_GT(e1, e0);
	/*
	 * 90 W idle: energy grows 90 uJ per microsecond. The counter moves
	 * in 20 ms model steps, so allow one step either side.
	 */
	joules_x100 = (e1 - e0) / 10000;
	EXPECT_GE(joules_x100, 90 * (t1 - t0 - 40000) / 10000);
	EXPECT_LE(joules_x100, 90 * (t1 - t0 + 40000) / 10000);
}

/*
 * Reload in a 60 C aisle: idle sits at 69 C, and any load above a third of
 * the cores pushes the settling point past the 85 C throttle temperature,
 * so throttling is certain whatever the emulator's speed.
 */
static void reload_hot(struct __test_metadata *_metadata,
		       FIXTURE_DATA(tel) *self, const char *ambient)
{
	char params[96];

	snprintf(params, sizeof(params), "thermal_time_scale=1 ambient_c=%s",
		 ambient);
	ASSERT_TRUE(vnpu_ensure_unloaded());
	ASSERT_EQ(0, vnpu_load(params));
	ASSERT_EQ(0, hwmon_dir(self->hw, sizeof(self->hw)));
	usleep(100000);
}

TEST_F(tel, sustained_load_heats_the_card_until_it_throttles)
{
	char buf[64];
	long long t_idle, t = 0;
	pid_t pid;
	int i;

	reload_hot(_metadata, self, "60");
	t_idle = read_num(self->hw, "temp1_input");
	EXPECT_EQ(69000, t_idle);
	pid = start_workload();
	ASSERT_GT(pid, 0);
	for (i = 0; i < 100 && t <= 85000; i++) {
		usleep(100000);
		t = read_num(self->hw, "temp1_input");
	}
	EXPECT_GT(t, 85000);
	/* Throttled, it settles near (85 - 60) C / 0.1 C/W = 250 W. */
	EXPECT_GT(read_num(self->hw, "power1_input"), 150000000);
	usleep(300000);
	ASSERT_EQ(0, vnpu_read_line(SYS "throttle_reasons", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "thermal")) TH_LOG("reasons: %s", buf);
	EXPECT_LT(read_num(SYS, "clock_mhz"), 1650);
	ASSERT_EQ(0, vnpu_read_line(SYS "health", buf, sizeof(buf)));
	EXPECT_STREQ("Warning", buf);
	stop_workload(pid);
	EXPECT_GT(t, t_idle);
}

TEST_F(tel, the_power_cap_holds_under_load)
{
	char path[300], buf[64];
	pid_t pid;
	long long p = 0;
	int i;

	snprintf(path, sizeof(path), "%spower1_cap", self->hw);
	ASSERT_EQ(-EINVAL, vnpu_write_str(path, "1000"));	/* below idle */
	/*
	 * 300 W: half way up the clock's range (the 20% clock floor draws
	 * ~192 W at full load), so the cap holds even when a busy host
	 * stretches the guest's tiles; a cap near the floor has no room.
	 */
	ASSERT_EQ(0, vnpu_write_str(path, "300000000"));
	pid = start_workload();
	ASSERT_GT(pid, 0);
	/* Let the clock settle and the 1 s average forget the start. */
	usleep(4000000);
	for (i = 0; i < 10; i++) {
		usleep(100000);
		p = read_num(self->hw, "power1_average");
		EXPECT_LE(p, 330000000ll) TH_LOG("average %lld uW", p);
	}
	/* The load would draw more: the cap, not the workload, holds it. */
	ASSERT_EQ(0, vnpu_read_line(SYS "throttle_reasons", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "power_cap")) TH_LOG("reasons: %s", buf);
	EXPECT_LT(read_num(SYS, "clock_mhz"), 1650);
	stop_workload(pid);
}

TEST_F(tel, fdinfo_shows_the_client_its_memory_and_engine_time)
{
	char path[64], buf[4096];
	struct vnpu_test_bo b;
	struct vnpu_stream s;
	struct drm_vnpu_submit args = { 0 };
	uint32_t ctx, rw = DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE;
	int fd = vnpu_open_card(0), n, f;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, vnpu_ctx_new(fd, DRM_VNPU_PRIORITY_NORMAL, &ctx));
	ASSERT_EQ(0, vnpu_bo_new(fd, 1 << 20, &b));
	memset(b.map, 1, 1 << 20);
	vnpu_stream_init(&s);
	vnpu_stream_fill(&s, b.va, 1 << 20, 7);
	ASSERT_EQ(0, vnpu_submit_stream(fd, ctx, &s, &b, &rw, 1, &args));
	ASSERT_EQ(0, vnpu_bo_wait(fd, b.handle, 10 * SEC, NULL));

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	ASSERT_GE(f, 0);
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	ASSERT_GT(n, 0);
	buf[n] = 0;
	EXPECT_NE(NULL, strstr(buf, "drm-driver:\tvnpu")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "drm-client-id:\t"));
	EXPECT_NE(NULL, strstr(buf, "drm-engine-aicore:\t"));
	EXPECT_EQ(NULL, strstr(buf, "drm-engine-aicore:\t0 ns"));
	EXPECT_NE(NULL, strstr(buf, "drm-total-memory:\t1 MiB")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "drm-resident-memory:\t1 MiB"));
	vnpu_bo_free(fd, &b);
	close(fd);
}

TEST_F(tel, netlink_get_reports_the_card_and_dump_lists_it)
{
	struct genl g;
	struct nl_msg *m;

	ASSERT_EQ(0, genl_open(&g));
	m = genl_msg(&g, VNPU_CMD_GET_DEVICE, 0);
	nla_put_u32(m, VNPU_ATTR_NPU_ID, 0);
	ASSERT_EQ(0, genl_request(&g, m));
	EXPECT_EQ(1, g.replies);
	EXPECT_EQ(600000000, g.u64[VNPU_ATTR_TDP_UW]);
	EXPECT_EQ(90000000, g.u64[VNPU_ATTR_POWER_UW]);
	EXPECT_EQ(44000, (int32_t)g.u32[VNPU_ATTR_TEMP_MC]);
	EXPECT_EQ(2048ull << 20, g.u64[VNPU_ATTR_MEM_TOTAL]);
	EXPECT_EQ(VNPU_HEALTH_OK, g.u32[VNPU_ATTR_HEALTH]);

	m = genl_msg(&g, VNPU_CMD_GET_DEVICE, NLM_F_DUMP);
	ASSERT_EQ(0, genl_request(&g, m));
	EXPECT_EQ(1, g.replies);
	genl_close(&g);
}

TEST_F(tel, netlink_rejects_malformed_and_unknown_requests)
{
	struct genl g;
	struct nl_msg *m;
	uint8_t small = 0;

	ASSERT_EQ(0, genl_open(&g));
	m = genl_msg(&g, VNPU_CMD_GET_DEVICE, 0);		/* no id */
	EXPECT_EQ(-EINVAL, genl_request(&g, m));
	m = genl_msg(&g, VNPU_CMD_GET_DEVICE, 0);
	nla_put(m, VNPU_ATTR_NPU_ID, 1, &small);		/* wrong size */
	EXPECT_EQ(-EINVAL, genl_request(&g, m));
	m = genl_msg(&g, VNPU_CMD_GET_DEVICE, 0);
	nla_put_u32(m, VNPU_ATTR_NPU_ID, 9);			/* no card 9 */
	EXPECT_EQ(-ENODEV, genl_request(&g, m));
	m = genl_msg(&g, VNPU_CMD_GET_DEVICE, 0);
	nla_put_u32(m, VNPU_ATTR_NPU_ID, 0);
	nla_put_u32(m, VNPU_ATTR_MAX + 5, 1);			/* unknown */
	EXPECT_EQ(-EINVAL, genl_request(&g, m));
	m = genl_msg(&g, VNPU_CMD_SET_POWER_CAP, 0);
	nla_put_u32(m, VNPU_ATTR_NPU_ID, 0);
	nla_put_u64(m, VNPU_ATTR_POWER_CAP_UW, 10);		/* below idle */
	EXPECT_EQ(-EINVAL, genl_request(&g, m));
	genl_close(&g);
}

TEST_F(tel, netlink_power_cap_needs_admin)
{
	pid_t pid;
	int status;
	struct genl g;
	struct nl_msg *m;

	ASSERT_EQ(0, genl_open(&g));
	m = genl_msg(&g, VNPU_CMD_SET_POWER_CAP, 0);
	nla_put_u32(m, VNPU_ATTR_NPU_ID, 0);
	nla_put_u64(m, VNPU_ATTR_POWER_CAP_UW, 300000000);
	ASSERT_EQ(0, genl_request(&g, m));
	EXPECT_EQ(300000000, read_num(self->hw, "power1_cap"));
	genl_close(&g);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) || genl_open(&g))
			_exit(2);
		m = genl_msg(&g, VNPU_CMD_SET_POWER_CAP, 0);
		nla_put_u32(m, VNPU_ATTR_NPU_ID, 0);
		nla_put_u64(m, VNPU_ATTR_POWER_CAP_UW, 400000000);
		_exit(genl_request(&g, m) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(300000000, read_num(self->hw, "power1_cap"));
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VNPU_ATTR_MAX + 1];

	if (!genlmsg_parse(nlmsg_hdr(msg), 0, tb, VNPU_ATTR_MAX, NULL) &&
	    tb[VNPU_ATTR_EVENT])
		*(uint32_t *)arg = nla_get_u32(tb[VNPU_ATTR_EVENT]);
	return NL_OK;
}

TEST_F(tel, throttling_is_announced_on_the_event_group)
{
	struct genl g;
	uint32_t event = 0;
	int grp, i;
	pid_t pid;

	reload_hot(_metadata, self, "60");
	ASSERT_EQ(0, genl_open(&g));
	grp = genl_ctrl_resolve_grp(g.sk, VNPU_GENL_NAME, VNPU_GENL_MCGRP_EVENTS);
	ASSERT_GE(grp, 0);
	nl_socket_disable_seq_check(g.sk);
	nl_socket_modify_cb(g.sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &event);
	ASSERT_EQ(0, nl_socket_add_membership(g.sk, grp));
	nl_socket_set_nonblocking(g.sk);

	pid = start_workload();
	ASSERT_GT(pid, 0);
	for (i = 0; i < 150 && event != VNPU_EVENT_THROTTLE_START; i++) {
		usleep(100000);
		nl_recvmsgs_default(g.sk);
	}
	stop_workload(pid);
	EXPECT_EQ(VNPU_EVENT_THROTTLE_START, event);
	genl_close(&g);
}

TEST_F(tel, a_card_past_its_critical_temperature_fails_jobs)
{
	struct vnpu_test_bo b;
	struct vnpu_stream s;
	struct drm_vnpu_submit args = { 0 };
	uint32_t ctx, rw = DRM_VNPU_BO_READ | DRM_VNPU_BO_WRITE;
	int32_t status = 0;
	char buf[32];
	int fd;

	/* 100 C inlet + 9 C of idle power: past the 105 C critical point. */
	reload_hot(_metadata, self, "100");
	ASSERT_EQ(0, vnpu_read_line(SYS "health", buf, sizeof(buf)));
	EXPECT_STREQ("Critical", buf);
	fd = vnpu_open_card(0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, vnpu_ctx_new(fd, DRM_VNPU_PRIORITY_NORMAL, &ctx));
	ASSERT_EQ(0, vnpu_bo_new(fd, 4096, &b));
	vnpu_stream_init(&s);
	vnpu_stream_fill(&s, b.va, 4096, 7);
	ASSERT_EQ(0, vnpu_submit_stream(fd, ctx, &s, &b, &rw, 1, &args));
	ASSERT_EQ(0, vnpu_bo_wait(fd, b.handle, 10 * SEC, &status));
	EXPECT_EQ(-EIO, status);
	EXPECT_EQ(0, ((uint32_t *)b.map)[0]);
	vnpu_bo_free(fd, &b);
	close(fd);
}

TEST_HARNESS_MAIN

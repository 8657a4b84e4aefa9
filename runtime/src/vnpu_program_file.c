// SPDX-License-Identifier: MIT
/*
 * The program file format (little-endian; version 2):
 *
 *   header   32 bytes: magic "VNPUPRG\0", u32 version, u32 section count
 *            (6), u64 file size, u32 reserved (0), u32 CRC-32 of the
 *            header (this field as 0) and the section table
 *   table    6 entries of 32 bytes: u32 id, u32 reserved, u64 offset,
 *            u64 size, u32 CRC-32 of the section, u32 reserved
 *   sections META (1): counts and sizes (struct vnpu_prog_meta, 72 bytes)
 *            IO (2): one 72-byte struct vnpu_prog_io per input then output
 *            CMD (3): the position-independent command stream
 *            WEIGHTS (4): the packed constants, at a 64-byte aligned offset
 *            PATCHES (5): 16-byte struct vnpu_prog_patch entries, the
 *            fields vnpu_program_run_at() moves
 *            STATES (6): one 72-byte struct vnpu_prog_io per state
 *            (offset 0: a state is its own region)
 *
 * Version 1 (still loaded) had no STATES section (5 sections) and a
 * 64-byte META without the state count.
 *
 * The loader trusts nothing: sizes are checked before any read, every
 * section against its checksum, every count and offset against the
 * others, and the command stream packet by packet (vnpu_prog_check_stream),
 * so a corrupt, truncated or crafted file fails with a message and never
 * makes the library read or write out of bounds.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm/vnpu_cmd.h>

#include "vnpu_graph_internal.h"
#include "vnpu_internal.h"

#define VNPU_PROG_MAGIC "VNPUPRG"	/* with its NUL: 8 bytes */
#define VNPU_PROG_FILE_VERSION 2u
#define VNPU_PROG_NSECT 6u
#define VNPU_PROG_NSECT_V1 5u
#define VNPU_PROG_META_V1 64u
#define VNPU_PROG_MAX_IO 65536u

enum { VNPU_SECT_META = 1, VNPU_SECT_IO, VNPU_SECT_CMD, VNPU_SECT_WEIGHTS,
       VNPU_SECT_PATCHES, VNPU_SECT_STATES };

struct vnpu_prog_fhdr {
	char magic[8];
	uint32_t version;
	uint32_t nsect;
	uint64_t file_size;
	uint32_t reserved;
	uint32_t crc;
};

struct vnpu_prog_fsect {
	uint32_t id;
	uint32_t reserved;
	uint64_t offset;
	uint64_t size;
	uint32_t crc;
	uint32_t reserved2;
};

struct vnpu_prog_meta {
	uint32_t inputs, outputs, nodes, fused, inplace, packets;
	uint64_t cmd_bytes, weight_bytes, arena_bytes, peak_live_bytes;
	uint32_t pos_patches, max_pos_offset;
	/* version 2 */
	uint32_t states, reserved;
};

_Static_assert(sizeof(struct vnpu_prog_fhdr) == 32, "file header layout");
_Static_assert(sizeof(struct vnpu_prog_fsect) == 32, "section layout");
_Static_assert(sizeof(struct vnpu_prog_meta) == 72, "meta layout");
_Static_assert(offsetof(struct vnpu_prog_meta, states) == VNPU_PROG_META_V1,
	       "version 1 meta is a prefix");
_Static_assert(sizeof(struct vnpu_prog_patch) == 16, "patch layout");
_Static_assert(sizeof(struct vnpu_prog_io) == 72, "io layout");

struct vnpu_prog_image {
	struct vnpu_prog_fhdr h;
	struct vnpu_prog_fsect s[VNPU_PROG_NSECT];
	struct vnpu_prog_meta meta;
};

vnpu_status vnpu_program_save_mem(const vnpu_program *program, void **data,
				  size_t *size)
{
	const vnpu_program_info *pi;
	struct vnpu_prog_image im;
	const void *src[VNPU_PROG_NSECT];
	uint64_t off, nio;
	vnpu_status st;
	uint8_t *out;
	uint32_t i;

	if (!program || !data || !size)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_save: program, data or size is NULL");
	pi = &program->info;
	nio = (uint64_t)pi->inputs + pi->outputs;
	memset(&im, 0, sizeof(im));
	im.meta = (struct vnpu_prog_meta){
		.inputs = pi->inputs, .outputs = pi->outputs, .nodes = pi->nodes,
		.fused = pi->fused, .inplace = pi->inplace, .packets = pi->packets,
		.cmd_bytes = pi->cmd_bytes, .weight_bytes = pi->weight_bytes,
		.arena_bytes = pi->arena_bytes, .peak_live_bytes = pi->peak_live_bytes,
		.pos_patches = pi->pos_patches, .max_pos_offset = pi->max_pos_offset,
		.states = pi->states,
	};
	/* The weights are copied below from wherever they are. */
	pthread_mutex_lock((pthread_mutex_t *)&program->lock);
	src[3] = NULL;
	src[0] = &im.meta;
	src[1] = program->io;
	src[2] = program->cmd;
	src[4] = program->patches;
	src[5] = program->states;
	im.s[0].size = sizeof(im.meta);
	im.s[1].size = nio * sizeof(struct vnpu_prog_io);
	im.s[2].size = pi->cmd_bytes;
	im.s[3].size = pi->weight_bytes;
	im.s[4].size = (uint64_t)pi->pos_patches * sizeof(struct vnpu_prog_patch);
	im.s[5].size = (uint64_t)pi->states * sizeof(struct vnpu_prog_io);
	off = sizeof(im.h) + sizeof(im.s);
	for (i = 0; i < VNPU_PROG_NSECT; i++) {
		if (i == VNPU_SECT_WEIGHTS - 1)
			off = (off + 63) / 64 * 64;
		im.s[i].id = i + 1;
		im.s[i].offset = off;
		off += im.s[i].size;
	}
	out = calloc(1, off);
	if (!out) {
		pthread_mutex_unlock((pthread_mutex_t *)&program->lock);
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_program_save: out of memory (%llu bytes)",
				     (unsigned long long)off);
	}
	for (i = 0; i < VNPU_PROG_NSECT; i++)
		if (im.s[i].size && src[i])
			memcpy(out + im.s[i].offset, src[i], im.s[i].size);
	/* After a run the weights live in the device buffer only; a loaded
	 * program's may still be in its file. */
	st = vnpu_program_read_weights((vnpu_program *)program,
				       out + im.s[VNPU_SECT_WEIGHTS - 1].offset);
	pthread_mutex_unlock((pthread_mutex_t *)&program->lock);
	if (st) {
		free(out);
		return st;
	}
	for (i = 0; i < VNPU_PROG_NSECT; i++)
		im.s[i].crc = vnpu_crc32(0, out + im.s[i].offset, im.s[i].size);
	memcpy(im.h.magic, VNPU_PROG_MAGIC, 8);
	im.h.version = VNPU_PROG_FILE_VERSION;
	im.h.nsect = VNPU_PROG_NSECT;
	im.h.file_size = off;
	im.h.crc = vnpu_crc32(vnpu_crc32(0, &im.h, sizeof(im.h)), im.s, sizeof(im.s));
	memcpy(out, &im.h, sizeof(im.h));
	memcpy(out + sizeof(im.h), im.s, sizeof(im.s));
	*data = out;
	*size = off;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_program_save(const vnpu_program *program, const char *path)
{
	size_t size, done = 0;
	vnpu_status st;
	void *data;
	int fd;

	if (!path)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_save: path is NULL");
	st = vnpu_program_save_mem(program, &data, &size);
	if (st)
		return st;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		st = vnpu_rt_error(vnpu_rt_errno_status(errno),
				   "vnpu_program_save: cannot create %s: %s", path,
				   strerror(errno));
		free(data);
		return st;
	}
	while (done < size) {
		ssize_t n = write(fd, (uint8_t *)data + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			st = vnpu_rt_error(VNPU_STATUS_IO_ERROR,
					   "vnpu_program_save: writing %s: %s", path,
					   n < 0 ? strerror(errno) : "short write");
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) && !st)
		st = vnpu_rt_error(VNPU_STATUS_IO_ERROR, "vnpu_program_save: closing %s: %s",
				   path, strerror(errno));
	free(data);
	return st;
}

#define BAD(...) vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, "vnpu_program_load: " __VA_ARGS__)

/*
 * Where a file is read from: memory (vnpu_program_load_mem) or a file
 * descriptor (vnpu_program_load), read with pread so that checking the
 * weights' checksum never maps or copies all of them.
 */
struct vnpu_src {
	const uint8_t *mem;
	int fd;
	uint64_t size;
};

#define VNPU_SRC_CHUNK (256u << 10)

/* LEN bytes at OFF into DST (the caller checked the range). */
static vnpu_status vnpu_src_read(const struct vnpu_src *s, uint64_t off, void *dst,
				 uint64_t len)
{
	uint8_t *d = dst;

	if (s->mem) {
		memcpy(d, s->mem + off, len);
		return VNPU_STATUS_OK;
	}
	while (len) {
		ssize_t n = pread(s->fd, d, len > VNPU_SRC_CHUNK ? VNPU_SRC_CHUNK : len,
				  (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vnpu_rt_error(VNPU_STATUS_IO_ERROR,
					     "vnpu_program_load: reading at byte %llu: %s",
					     (unsigned long long)off,
					     n < 0 ? strerror(errno) : "the file shrank");
		d += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return VNPU_STATUS_OK;
}

/* CRC-32 of LEN bytes at OFF, read a chunk at a time from a file. */
static vnpu_status vnpu_src_crc(const struct vnpu_src *s, uint64_t off, uint64_t len,
				uint32_t *crc)
{
	uint8_t *buf;
	vnpu_status st = VNPU_STATUS_OK;

	*crc = 0;
	if (s->mem) {
		*crc = vnpu_crc32(0, s->mem + off, len);
		return VNPU_STATUS_OK;
	}
	buf = malloc(len < VNPU_SRC_CHUNK ? (len ? len : 1) : VNPU_SRC_CHUNK);
	if (!buf)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "vnpu_program_load: out of memory");
	while (len && !st) {
		uint64_t n = len > VNPU_SRC_CHUNK ? VNPU_SRC_CHUNK : len;

		st = vnpu_src_read(s, off, buf, n);
		if (!st)
			*crc = vnpu_crc32(*crc, buf, n);
		off += n;
		len -= n;
	}
	free(buf);
	return st;
}

/*
 * Header and section table: in bounds, checksummed, one of each section
 * (a version 1 file has no STATES section and the shorter META; what it
 * lacks reads as zeros).
 */
static vnpu_status vnpu_load_layout(const struct vnpu_src *src,
				    struct vnpu_prog_image *im)
{
	struct vnpu_prog_fhdr h;
	uint64_t end, meta_size, size = src->size;
	uint32_t i, crc, nsect;
	vnpu_status st;
	size_t table;

	memset(im, 0, sizeof(*im));
	if (size < sizeof(im->h))
		return BAD("%llu bytes is too short for a program file (header: %zu)",
			   (unsigned long long)size, sizeof(im->h));
	st = vnpu_src_read(src, 0, &im->h, sizeof(im->h));
	if (st)
		return st;
	if (memcmp(im->h.magic, VNPU_PROG_MAGIC, 8))
		return BAD("not a vnpu program file (bad magic)");
	if (im->h.version > VNPU_PROG_FILE_VERSION)
		return vnpu_rt_error(VNPU_STATUS_VERSION_MISMATCH,
				     "vnpu_program_load: file format version %u is newer than this libvnpu's %u: upgrade libvnpu",
				     im->h.version, VNPU_PROG_FILE_VERSION);
	if (im->h.version != VNPU_PROG_FILE_VERSION && im->h.version != 1)
		return BAD("unknown file format version %u", im->h.version);
	nsect = im->h.version == 1 ? VNPU_PROG_NSECT_V1 : VNPU_PROG_NSECT;
	meta_size = im->h.version == 1 ? VNPU_PROG_META_V1 : sizeof(im->meta);
	table = nsect * sizeof(im->s[0]);
	if (im->h.file_size != size)
		return BAD("the file is %llu bytes but its header says %llu (truncated or extended)",
			   (unsigned long long)size, (unsigned long long)im->h.file_size);
	if (im->h.nsect != nsect || im->h.reserved)
		return BAD("%u sections (expected %u) or reserved header bits set",
			   im->h.nsect, nsect);
	if (size < sizeof(im->h) + table)
		return BAD("the section table is truncated");
	st = vnpu_src_read(src, sizeof(im->h), im->s, table);
	if (st)
		return st;
	h = im->h;
	h.crc = 0;
	crc = vnpu_crc32(vnpu_crc32(0, &h, sizeof(h)), im->s, table);
	if (crc != im->h.crc)
		return BAD("header checksum mismatch (0x%08x, expected 0x%08x): the file is corrupt",
			   crc, im->h.crc);
	/* The layout is fully determined (sections back to back, the weights
	 * aligned with zero padding), so no byte escapes a check. */
	end = sizeof(im->h) + table;
	for (i = 0; i < nsect; i++) {
		const struct vnpu_prog_fsect *s = &im->s[i];
		uint64_t at = i == VNPU_SECT_WEIGHTS - 1 ? (end + 63) / 64 * 64 : end;

		if (s->id != i + 1 || s->reserved || s->reserved2)
			return BAD("section %u has id %u (expected %u)", i, s->id, i + 1);
		if (s->offset != at || s->offset > size || s->size > size - s->offset)
			return BAD("section %u (%llu bytes at %llu) is misplaced or lies outside the file",
				   s->id, (unsigned long long)s->size,
				   (unsigned long long)s->offset);
		for (; end < at; end++) {
			uint8_t pad;

			st = vnpu_src_read(src, end, &pad, 1);
			if (st)
				return st;
			if (pad)
				return BAD("non-zero padding at byte %llu", (unsigned long long)end);
		}
		end = s->offset + s->size;
		st = vnpu_src_crc(src, s->offset, s->size, &crc);
		if (st)
			return st;
		if (crc != s->crc)
			return BAD("section %u checksum mismatch: the file is corrupt", s->id);
	}
	if (end != size)
		return BAD("%llu bytes after the last section", (unsigned long long)(size - end));
	if (im->s[0].size != meta_size)
		return BAD("the metadata section is %llu bytes, not %llu",
			   (unsigned long long)im->s[0].size, (unsigned long long)meta_size);
	st = vnpu_src_read(src, im->s[0].offset, &im->meta, meta_size);
	if (st)
		return st;
	if (im->meta.reserved)
		return BAD("reserved metadata bits set");
	return VNPU_STATUS_OK;
}

/* The metadata and the inputs/outputs (STATES: the states) agree with
 * each other. */
static vnpu_status vnpu_load_check_io(const struct vnpu_prog_image *im,
				      struct vnpu_prog_io *io, uint64_t nio,
				      bool states)
{
	const char *what = states ? "state" : "input/output";
	uint64_t i;

	for (i = 0; i < nio; i++) {
		struct vnpu_prog_io *e = &io[i];
		uint64_t cnt;
		uint32_t k;

		e->name[VNPU_NAME_MAX - 1] = 0;
		if (e->dtype < VNPU_DTYPE_FP32 || e->dtype > VNPU_DTYPE_MAX ||
		    e->rank < 1 || e->rank > VNPU_MAX_RANK)
			return BAD("%s %llu has a bad type or rank", what,
				   (unsigned long long)i);
		for (k = 0; k < e->rank; k++)
			if (!e->dims[k] || e->dims[k] > VNPU_CMD_MAX_ELEMS)
				return BAD("%s %llu has a bad dimension", what,
					   (unsigned long long)i);
		cnt = vnpu_shape_count(e->rank, e->dims);
		if (cnt > VNPU_CMD_MAX_ELEMS || !e->bytes ||
		    e->bytes != vnpu_dtype_bytes(e->dtype, cnt, 0))
			return BAD("%s %llu: %llu bytes do not match its shape", what,
				   (unsigned long long)i, (unsigned long long)e->bytes);
		if (states ? e->offset || e->dtype == VNPU_DTYPE_NVFP4 :
			     e->offset > im->meta.arena_bytes ||
			     e->bytes > im->meta.arena_bytes - e->offset)
			return BAD("%s %llu lies outside its memory", what,
				   (unsigned long long)i);
	}
	return VNPU_STATUS_OK;
}

/*
 * The command stream is safe as it is and, moved by the largest position
 * offset the program claims, still leaves every operand inside the
 * program's buffers (operand ranges only grow with the offset, so every
 * smaller offset is safe too; runs check again anyway).
 */
static vnpu_status vnpu_load_check_stream(const vnpu_program *p)
{
	uint64_t bad, regions[VNPU_PROG_MAX_REGIONS];
	uint32_t nreg = vnpu_program_regions(p, regions);
	const char *why;
	uint8_t *cmd;

	why = vnpu_prog_check_stream(p->cmd, p->info.cmd_bytes, regions, nreg, &bad);
	if (why)
		return BAD("command stream packet at offset 0x%llx: %s",
			   (unsigned long long)bad, why);
	if (!p->info.pos_patches)
		return VNPU_STATUS_OK;
	cmd = malloc(p->info.cmd_bytes);
	if (!cmd)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_program_load: out of memory");
	memcpy(cmd, p->cmd, p->info.cmd_bytes);
	why = vnpu_prog_apply_patches(cmd, p->info.cmd_bytes, p->patches,
				      p->info.pos_patches, p->info.max_pos_offset);
	if (!why)
		why = vnpu_prog_check_stream(cmd, p->info.cmd_bytes, regions, nreg, &bad);
	free(cmd);
	if (why)
		return BAD("position patches at the largest offset %u: %s",
			   p->info.max_pos_offset, why);
	return VNPU_STATUS_OK;
}

/* Section I of the file into a new allocation *OUT. */
static vnpu_status vnpu_load_section(const struct vnpu_src *src,
				     const struct vnpu_prog_image *im, uint32_t i,
				     void **out)
{
	*out = malloc(im->s[i].size ? im->s[i].size : 1);
	if (!*out)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY,
				     "vnpu_program_load: out of memory");
	return vnpu_src_read(src, im->s[i].offset, *out, im->s[i].size);
}

/*
 * Load from SRC. From memory the weights are copied (the caller keeps
 * its bytes); from a file they stay there (checked, not kept) until the
 * first run uploads them straight into the device buffer.
 */
static vnpu_status vnpu_program_load_src(const struct vnpu_src *src,
					 vnpu_program **program)
{
	struct vnpu_prog_image im;
	vnpu_program *p;
	uint64_t nio;
	vnpu_status st;

	*program = NULL;
	st = vnpu_load_layout(src, &im);
	if (st)
		return st;
	nio = (uint64_t)im.meta.inputs + im.meta.outputs;
	if (im.meta.inputs > VNPU_PROG_MAX_IO || im.meta.outputs > VNPU_PROG_MAX_IO ||
	    im.meta.states > VNPU_PROG_MAX_STATES || (!im.meta.outputs && !im.meta.states))
		return BAD("%u inputs, %u outputs and %u states", im.meta.inputs,
			   im.meta.outputs, im.meta.states);
	if (im.s[1].size != nio * sizeof(struct vnpu_prog_io) ||
	    im.s[2].size != im.meta.cmd_bytes || im.s[3].size != im.meta.weight_bytes ||
	    im.s[4].size != (uint64_t)im.meta.pos_patches * sizeof(struct vnpu_prog_patch) ||
	    im.s[5].size != (uint64_t)im.meta.states * sizeof(struct vnpu_prog_io))
		return BAD("section sizes disagree with the metadata");
	if (im.meta.arena_bytes > VNPU_CMD_MAX_ELEMS * 16ull ||
	    im.meta.arena_bytes % VNPU_PROG_ALIGN)
		return BAD("arena of %llu bytes", (unsigned long long)im.meta.arena_bytes);
	if (im.s[3].offset % VNPU_PROG_ALIGN)
		return BAD("the weights are not 64-byte aligned in the file");
	p = vnpu_program_alloc();
	if (!p)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "vnpu_program_load: out of memory");
	/* Field by field: the padding stays zero, as in a compiled one. */
	p->info.inputs = im.meta.inputs;
	p->info.outputs = im.meta.outputs;
	p->info.nodes = im.meta.nodes;
	p->info.fused = im.meta.fused;
	p->info.inplace = im.meta.inplace;
	p->info.packets = im.meta.packets;
	p->info.cmd_bytes = im.meta.cmd_bytes;
	p->info.weight_bytes = im.meta.weight_bytes;
	p->info.arena_bytes = im.meta.arena_bytes;
	p->info.peak_device_bytes = im.meta.weight_bytes + im.meta.arena_bytes;
	p->info.peak_live_bytes = im.meta.peak_live_bytes;
	p->info.pos_patches = im.meta.pos_patches;
	p->info.max_pos_offset = im.meta.max_pos_offset;
	p->info.states = im.meta.states;
	st = vnpu_load_section(src, &im, 1, (void **)&p->io);
	if (!st)
		st = vnpu_load_section(src, &im, 2, (void **)&p->cmd);
	if (!st && src->mem)
		st = vnpu_load_section(src, &im, 3, (void **)&p->weights);
	if (!st)
		st = vnpu_load_section(src, &im, 4, (void **)&p->patches);
	if (!st)
		st = vnpu_load_section(src, &im, 5, (void **)&p->states);
	if (!st)
		st = vnpu_program_alloc_states(p);
	if (!st && !src->mem && im.s[3].size) {
		p->wfd = fcntl(src->fd, F_DUPFD_CLOEXEC, 0);
		p->woff = im.s[3].offset;
		p->wcrc = im.s[3].crc;
		if (p->wfd < 0)
			st = vnpu_rt_error(vnpu_rt_errno_status(errno),
					   "vnpu_program_load: %s", strerror(errno));
	}
	if (!st)
		st = vnpu_load_check_io(&im, p->io, nio, false);
	if (!st)
		st = vnpu_load_check_io(&im, p->states, im.meta.states, true);
	if (!st)
		st = vnpu_load_check_stream(p);
	if (st) {
		vnpu_program_destroy(p);
		return st;
	}
	vnpu_prog_cost(p->cmd, p->info.cmd_bytes, &p->info.flops, &p->info.bytes);
	*program = p;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_program_load_mem(const void *data, size_t size,
				  vnpu_program **program)
{
	struct vnpu_src src = { .mem = data, .fd = -1, .size = size };

	if (!program || (!data && size))
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_load: data or program is NULL");
	if (!data)
		src.mem = (const uint8_t *)"";
	return vnpu_program_load_src(&src, program);
}

vnpu_status vnpu_program_load(const char *path, vnpu_program **program)
{
	struct stat sb;
	vnpu_status st;
	int fd;

	if (!path || !program)
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "vnpu_program_load: path or program is NULL");
	*program = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vnpu_rt_error(errno == ENOENT ? VNPU_STATUS_NOT_FOUND :
				     vnpu_rt_errno_status(errno),
				     "vnpu_program_load: cannot open %s: %s", path,
				     strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return vnpu_rt_error(VNPU_STATUS_IO_ERROR,
				     "vnpu_program_load: %s is not a regular file", path);
	}
	/* Read with pread, the weights a chunk at a time for their
	 * checksum only: they stay in the file until the first run. */
	{
		struct vnpu_src src = { .fd = fd, .size = (uint64_t)sb.st_size };

		st = vnpu_program_load_src(&src, program);
	}
	close(fd);
	return st;
}

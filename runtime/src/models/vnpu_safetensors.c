// SPDX-License-Identifier: MIT
/*
 * Safetensors reader: maps the file, parses the header with json-c and
 * checks every field before anything is read (see vnpu_safetensors.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../vnpu_internal.h"
#include "vnpu_safetensors.h"

static const struct {
	const char *name;
	enum vnpu_st_dtype dtype;
	uint32_t size;
} st_types[] = {
	{ "F32", VNPU_ST_F32, 4 }, { "F16", VNPU_ST_F16, 2 },
	{ "BF16", VNPU_ST_BF16, 2 }, { "I32", VNPU_ST_I32, 4 },
	{ "I64", VNPU_ST_I64, 8 }, { "U8", VNPU_ST_U8, 1 },
	{ "I8", VNPU_ST_I8, 1 }, { "F64", VNPU_ST_F64, 8 },
	{ "F8_E4M3", VNPU_ST_F8_E4M3, 1 }, { "F8_E5M2", VNPU_ST_F8_E5M2, 1 },
};

uint32_t vnpu_st_dtype_size(enum vnpu_st_dtype dtype)
{
	for (size_t i = 0; i < sizeof(st_types) / sizeof(st_types[0]); i++)
		if (st_types[i].dtype == dtype)
			return st_types[i].size;
	return 0;
}

const char *vnpu_st_dtype_name(enum vnpu_st_dtype dtype)
{
	for (size_t i = 0; i < sizeof(st_types) / sizeof(st_types[0]); i++)
		if (st_types[i].dtype == dtype)
			return st_types[i].name;
	return "?";
}

/* A non-negative JSON integer below 2^62 (no overflow in sums later). */
static int get_u62(struct json_object *o, uint64_t *v)
{
	int64_t x;

	if (!o || !json_object_is_type(o, json_type_int))
		return -1;
	errno = 0;
	x = json_object_get_int64(o);
	if (errno || x < 0 || x >= (int64_t)1 << 62)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

static int cmp_begin(const void *a, const void *b)
{
	const struct vnpu_st_tensor *x = a, *y = b;

	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

#define BAD(...) (st = vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, __VA_ARGS__))

/* One tensor entry; fills T or records the error. */
static vnpu_status parse_entry(const char *what, const char *key,
			       struct json_object *val, uint64_t data_size,
			       struct vnpu_st_tensor *t)
{
	struct json_object *jd, *js, *jo;
	vnpu_status st = VNPU_STATUS_OK;
	const char *dt;
	uint32_t esize = 0;
	size_t n;

	if (strlen(key) >= VNPU_ST_MAX_NAME)
		return BAD("%s: tensor name '%.40s...' longer than %d bytes", what,
			   key, VNPU_ST_MAX_NAME - 1);
	snprintf(t->name, sizeof(t->name), "%s", key);
	if (!json_object_is_type(val, json_type_object))
		return BAD("%s: tensor '%s': entry is not a JSON object", what, key);
	if (!json_object_object_get_ex(val, "dtype", &jd) ||
	    !json_object_is_type(jd, json_type_string))
		return BAD("%s: tensor '%s': no \"dtype\" string", what, key);
	dt = json_object_get_string(jd);
	for (size_t i = 0; i < sizeof(st_types) / sizeof(st_types[0]); i++)
		if (!strcmp(dt, st_types[i].name)) {
			t->dtype = st_types[i].dtype;
			esize = st_types[i].size;
		}
	if (!esize)
		return BAD("%s: tensor '%s': unsupported dtype '%.16s'", what, key, dt);
	if (!json_object_object_get_ex(val, "shape", &js) ||
	    !json_object_is_type(js, json_type_array))
		return BAD("%s: tensor '%s': no \"shape\" array", what, key);
	n = json_object_array_length(js);
	if (n > VNPU_ST_MAX_RANK)
		return BAD("%s: tensor '%s': rank %zu above %d", what, key, n,
			   VNPU_ST_MAX_RANK);
	t->rank = (uint32_t)n;
	t->count = 1;
	for (size_t i = 0; i < n; i++) {
		if (get_u62(json_object_array_get_idx(js, i), &t->dims[i]))
			return BAD("%s: tensor '%s': shape[%zu] is not a non-negative integer",
				   what, key, i);
		if (t->dims[i] && t->count > ((uint64_t)1 << 62) / t->dims[i])
			return BAD("%s: tensor '%s': shape overflows", what, key);
		t->count *= t->dims[i];
	}
	if (!json_object_object_get_ex(val, "data_offsets", &jo) ||
	    !json_object_is_type(jo, json_type_array) ||
	    json_object_array_length(jo) != 2 ||
	    get_u62(json_object_array_get_idx(jo, 0), &t->begin) ||
	    get_u62(json_object_array_get_idx(jo, 1), &t->end))
		return BAD("%s: tensor '%s': \"data_offsets\" is not [begin, end]",
			   what, key);
	if (t->begin > t->end)
		return BAD("%s: tensor '%s': data_offsets begin %llu after end %llu",
			   what, key, (unsigned long long)t->begin,
			   (unsigned long long)t->end);
	if (t->end > data_size)
		return BAD("%s: tensor '%s': data ends at %llu, past the %llu data bytes "
			   "of the file (truncated?)", what, key,
			   (unsigned long long)t->end, (unsigned long long)data_size);
	if (t->count > ((uint64_t)1 << 62) / esize ||
	    t->end - t->begin != t->count * esize)
		return BAD("%s: tensor '%s': %llu bytes for %llu %s elements (expected %llu)",
			   what, key, (unsigned long long)(t->end - t->begin),
			   (unsigned long long)t->count, dt,
			   (unsigned long long)(t->count * esize));
	return st;
}

vnpu_status vnpu_st_parse(const void *data, size_t size, const char *what,
			  struct vnpu_st_file **out)
{
	const uint8_t *p = data;
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;
	struct vnpu_st_file *f = NULL;
	vnpu_status st = VNPU_STATUS_OK;
	uint64_t hlen = 0, data_size;
	size_t end, ntens = 0;

	*out = NULL;
	if (size < 8)
		return BAD("%s: %zu bytes, too short for a safetensors header", what, size);
	for (int i = 7; i >= 0; i--)
		hlen = hlen << 8 | p[i];
	if (hlen < 2 || hlen > VNPU_ST_MAX_HEADER)
		return BAD("%s: header length %llu is not in 2..%u (not a safetensors file?)",
			   what, (unsigned long long)hlen, VNPU_ST_MAX_HEADER);
	if (hlen > size - 8)
		return BAD("%s: header of %llu bytes but the file has %zu (truncated?)",
			   what, (unsigned long long)hlen, size - 8);
	if (p[8] != '{')
		return BAD("%s: header does not start with '{' (not a safetensors file?)",
			   what);
	data_size = size - 8 - hlen;
	tok = json_tokener_new();
	if (!tok)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "%s: out of memory", what);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, (const char *)p + 8, (int)hlen);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		BAD("%s: header is not valid JSON: %s", what,
		    json_tokener_error_desc(json_tokener_get_error(tok)));
		goto done;
	}
	/* only padding (spaces) may follow the object */
	for (end = json_tokener_get_parse_end(tok); end < hlen; end++)
		if (p[8 + end] != ' ' && p[8 + end] != '\n' && p[8 + end] != '\t' &&
		    p[8 + end] != '\r') {
			BAD("%s: header has bytes after its JSON object at %zu", what, end);
			goto done;
		}
	if (!json_object_is_type(root, json_type_object)) {
		BAD("%s: header is not a JSON object", what);
		goto done;
	}
	f = calloc(1, sizeof(*f));
	if (f)
		f->tensors = calloc((size_t)json_object_object_length(root) + 1,
				    sizeof(*f->tensors));
	if (!f || !f->tensors) {
		st = vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "%s: out of memory", what);
		goto done;
	}
	f->data_offset = 8 + hlen;
	json_object_object_foreach(root, key, val) {
		if (!strcmp(key, "__metadata__")) {
			if (!json_object_is_type(val, json_type_object)) {
				BAD("%s: \"__metadata__\" is not a JSON object", what);
				goto done;
			}
			continue;
		}
		st = parse_entry(what, key, val, data_size, &f->tensors[ntens]);
		if (st)
			goto done;
		f->tensors[ntens].data = p + f->data_offset + f->tensors[ntens].begin;
		ntens++;
	}
	f->count = (uint32_t)ntens;
	qsort(f->tensors, ntens, sizeof(*f->tensors), cmp_begin);
	for (size_t i = 1; i < ntens; i++) {
		const struct vnpu_st_tensor *a = &f->tensors[i - 1], *b = &f->tensors[i];

		if (b->begin < a->end && b->end > b->begin) {
			BAD("%s: tensors '%s' [%llu, %llu) and '%s' [%llu, %llu) overlap",
			    what, a->name, (unsigned long long)a->begin,
			    (unsigned long long)a->end, b->name,
			    (unsigned long long)b->begin, (unsigned long long)b->end);
			goto done;
		}
	}
done:
	if (root)
		json_object_put(root);
	json_tokener_free(tok);
	if (st) {
		vnpu_st_close(f);
		return st;
	}
	*out = f;
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_st_open(const char *path, struct vnpu_st_file **out)
{
	struct stat sb;
	void *map;
	int fd, err;
	vnpu_status st;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return vnpu_rt_error(err == ENOENT ? VNPU_STATUS_NOT_FOUND :
				     vnpu_rt_errno_status(err), "%s: %s", path,
				     strerror(err));
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: not a regular file", path);
	}
	if (sb.st_size < 8) {
		close(fd);
		return vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT,
				     "%s: %lld bytes, too short for a safetensors header",
				     path, (long long)sb.st_size);
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = errno;
	close(fd);
	if (map == MAP_FAILED)
		return vnpu_rt_error(vnpu_rt_errno_status(err), "%s: mmap: %s", path,
				     strerror(err));
	st = vnpu_st_parse(map, (size_t)sb.st_size, path, out);
	if (st) {
		munmap(map, (size_t)sb.st_size);
		return st;
	}
	(*out)->map = map;
	(*out)->map_size = (size_t)sb.st_size;
	return VNPU_STATUS_OK;
}

const struct vnpu_st_tensor *vnpu_st_find(const struct vnpu_st_file *f,
					  const char *name)
{
	for (uint32_t i = 0; i < f->count; i++)
		if (!strcmp(f->tensors[i].name, name))
			return &f->tensors[i];
	return NULL;
}

void vnpu_st_close(struct vnpu_st_file *f)
{
	if (!f)
		return;
	if (f->map)
		munmap(f->map, f->map_size);
	free(f->tensors);
	free(f);
}

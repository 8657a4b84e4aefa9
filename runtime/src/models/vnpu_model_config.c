// SPDX-License-Identifier: MIT
/*
 * config.json of a model: the Hugging Face Llama keys, read with json-c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../vnpu_internal.h"
#include <vnpu/model.h>

#define BADCFG(...) vnpu_rt_error(VNPU_STATUS_INVALID_ARGUMENT, __VA_ARGS__)

/* KEY as a positive integer below 2^24; REQUIRED or keeps *V. */
static vnpu_status get_dim(const char *path, struct json_object *root,
			   const char *key, int required, uint32_t *v)
{
	struct json_object *o;
	int64_t x;

	if (!json_object_object_get_ex(root, key, &o) || json_object_is_type(o, json_type_null)) {
		if (required)
			return BADCFG("%s: no \"%s\"", path, key);
		return VNPU_STATUS_OK;
	}
	if (!json_object_is_type(o, json_type_int))
		return BADCFG("%s: \"%s\" is not an integer", path, key);
	errno = 0;
	x = json_object_get_int64(o);
	if (errno || x < 1 || x > (1 << 24))
		return BADCFG("%s: \"%s\" = %lld is not in 1..%d", path, key,
			      (long long)x, 1 << 24);
	*v = (uint32_t)x;
	return VNPU_STATUS_OK;
}

static vnpu_status get_float(const char *path, struct json_object *root,
			     const char *key, float *v)
{
	struct json_object *o;
	double x;

	if (!json_object_object_get_ex(root, key, &o) || json_object_is_type(o, json_type_null))
		return VNPU_STATUS_OK;
	if (!json_object_is_type(o, json_type_double) &&
	    !json_object_is_type(o, json_type_int))
		return BADCFG("%s: \"%s\" is not a number", path, key);
	x = json_object_get_double(o);
	if (!isfinite(x) || x <= 0 || x > 1e12)
		return BADCFG("%s: \"%s\" = %g is not a positive finite number", path,
			      key, x);
	*v = (float)x;
	return VNPU_STATUS_OK;
}

/* A string member KEY of O, or NULL. */
static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * The block type a quantization block Q declares (WHERE names it in
 * messages): {"quant_method": "mxfp4"} as gpt-oss, or ModelOpt's
 * {"quant_method": "modelopt", "quant_algo": "NVFP4" | "MXFP8"} (in
 * hf_quant_config.json: METHOD_OPTIONAL, "quant_algo" alone), with an
 * optional "group_size" that must be the format's block.
 */
static vnpu_status quant_of(const char *path, const char *where,
			    struct json_object *q, int method_optional,
			    uint32_t *out)
{
	const char *method = get_str(q, "quant_method"), *algo = get_str(q, "quant_algo");
	uint32_t group = 0, block;

	if (!json_object_is_type(q, json_type_object))
		return BADCFG("%s: \"%s\" is not an object", path, where);
	if (method && !strcmp(method, "mxfp4")) {
		*out = VNPU_DTYPE_MXFP4;
	} else if ((method && !strcmp(method, "modelopt")) || (!method && method_optional)) {
		if (algo && !strcmp(algo, "NVFP4"))
			*out = VNPU_DTYPE_NVFP4;
		else if (algo && !strcmp(algo, "MXFP8"))
			*out = VNPU_DTYPE_MXFP8;
		else
			return BADCFG("%s: %s.quant_algo '%s' is not supported (NVFP4 or MXFP8)",
				      path, where, algo ? algo : "(none)");
	} else {
		return BADCFG("%s: %s.quant_method '%s' is not supported (modelopt or mxfp4)",
			      path, where, method ? method : "(none)");
	}
	block = *out == VNPU_DTYPE_NVFP4 ? 16 : 32;
	if (get_dim(path, q, "group_size", 0, &group))
		return BADCFG("%s: %s.group_size is not a positive integer", path, where);
	if (group && group != block)
		return BADCFG("%s: %s.group_size %u, %s has blocks of %u", path, where,
			      group, vnpu_dtype_name(*out), block);
	return VNPU_STATUS_OK;
}

/* quantization_config of config.json ROOT, else hf_quant_config.json
 * next to PATH; neither: not pre-quantized. */
static vnpu_status get_quant(const char *path, struct json_object *root, uint32_t *q)
{
	struct json_object *o, *hf, *qq;
	const char *slash = strrchr(path, '/');
	vnpu_status st;
	char *hfp;

	*q = 0;
	if (json_object_object_get_ex(root, "quantization_config", &o) &&
	    !json_object_is_type(o, json_type_null))
		return quant_of(path, "quantization_config", o, 0, q);
	if (asprintf(&hfp, "%.*shf_quant_config.json", slash ? (int)(slash - path + 1) : 0,
		     path) < 0)
		return vnpu_rt_error(VNPU_STATUS_OUT_OF_MEMORY, "config: out of memory");
	hf = json_object_from_file(hfp);
	if (!hf) {
		st = access(hfp, F_OK) ? VNPU_STATUS_OK :
		     BADCFG("%s: not a readable JSON file", hfp);
		free(hfp);
		return st;
	}
	if (!json_object_is_type(hf, json_type_object) ||
	    !json_object_object_get_ex(hf, "quantization", &qq))
		st = BADCFG("%s: no \"quantization\" object", hfp);
	else
		st = quant_of(hfp, "quantization", qq, 1, q);
	json_object_put(hf);
	free(hfp);
	return st;
}

/* WHO prefixes the messages: "config" or the file's path. */
static vnpu_status check(const char *who, const vnpu_model_config *c)
{
	if (!c->dim || c->dim % 32)
		return BADCFG("%s: hidden_size %u is not a positive multiple of 32", who, c->dim);
	if (!c->n_layers || c->n_layers > 1024)
		return BADCFG("%s: num_hidden_layers %u is not in 1..1024", who, c->n_layers);
	if (!c->n_heads || !c->n_kv_heads || c->n_heads % c->n_kv_heads)
		return BADCFG("%s: num_attention_heads %u is not a multiple of num_key_value_heads %u", who,
			      c->n_heads, c->n_kv_heads);
	if (!c->head_dim || c->head_dim % 2 || c->head_dim > 1024)
		return BADCFG("%s: head_dim %u is not even and in 2..1024", who, c->head_dim);
	if ((c->n_heads * c->head_dim) % 32 || (c->n_kv_heads * c->head_dim) % 32)
		return BADCFG("%s: heads x head_dim (%u x %u, kv %u) is not a multiple of 32", who,
			      c->n_heads, c->head_dim, c->n_kv_heads);
	if (!c->ffn_dim || c->ffn_dim % 32)
		return BADCFG("%s: intermediate_size %u is not a positive multiple of 32", who,
			      c->ffn_dim);
	if (c->vocab < 2 || c->vocab > (1u << 24))
		return BADCFG("%s: vocab_size %u is not in 2..%u", who, c->vocab, 1u << 24);
	if (c->weight_quant && c->weight_quant != VNPU_DTYPE_NVFP4 &&
	    c->weight_quant != VNPU_DTYPE_MXFP4 && c->weight_quant != VNPU_DTYPE_MXFP8)
		return BADCFG("%s: pre-quantized weights are NVFP4, MXFP4 or MXFP8, not %s", who,
			      vnpu_dtype_name(c->weight_quant));
	if (!c->max_seq)
		return BADCFG("%s: max_position_embeddings is 0", who);
	if (!(c->rope_theta > 0) || !(c->norm_eps > 0) || !isfinite(c->rope_theta) ||
	    !isfinite(c->norm_eps))
		return BADCFG("%s: rope_theta %g and rms_norm_eps %g must be positive", who,
			      c->rope_theta, c->norm_eps);
	return VNPU_STATUS_OK;
}

vnpu_status vnpu_model_config_check(const vnpu_model_config *c)
{
	if (!c)
		return BADCFG("vnpu_model_config_check: config is NULL");
	return check("config", c);
}

vnpu_status vnpu_model_config_load(const char *path, vnpu_model_config *cfg)
{
	struct json_object *root, *o;
	vnpu_status st = VNPU_STATUS_OK;
	vnpu_model_config c = {
		.max_seq = 2048, .rope_theta = 10000.0f, .norm_eps = 1e-5f,
	};

	if (!path || !cfg)
		return BADCFG("vnpu_model_config_load: path or cfg is NULL");
	errno = 0;
	root = json_object_from_file(path);
	if (!root) {
		if (errno == ENOENT)
			return vnpu_rt_error(VNPU_STATUS_NOT_FOUND, "%s: no such file", path);
		return BADCFG("%s: not a readable JSON file (%s)", path,
			      json_util_get_last_err() ? json_util_get_last_err() : "?");
	}
	if (!json_object_is_type(root, json_type_object)) {
		st = BADCFG("%s: not a JSON object", path);
		goto out;
	}
	if ((st = get_dim(path, root, "hidden_size", 1, &c.dim)) ||
	    (st = get_dim(path, root, "num_hidden_layers", 1, &c.n_layers)) ||
	    (st = get_dim(path, root, "num_attention_heads", 1, &c.n_heads)) ||
	    (st = get_dim(path, root, "intermediate_size", 1, &c.ffn_dim)) ||
	    (st = get_dim(path, root, "vocab_size", 1, &c.vocab)))
		goto out;
	c.n_kv_heads = c.n_heads;
	c.head_dim = c.dim / c.n_heads;
	if ((st = get_dim(path, root, "num_key_value_heads", 0, &c.n_kv_heads)) ||
	    (st = get_dim(path, root, "head_dim", 0, &c.head_dim)) ||
	    (st = get_dim(path, root, "max_position_embeddings", 0, &c.max_seq)) ||
	    (st = get_float(path, root, "rope_theta", &c.rope_theta)) ||
	    (st = get_float(path, root, "rms_norm_eps", &c.norm_eps)))
		goto out;
	if (json_object_object_get_ex(root, "tie_word_embeddings", &o) &&
	    !json_object_is_type(o, json_type_null)) {
		if (!json_object_is_type(o, json_type_boolean)) {
			st = BADCFG("%s: \"tie_word_embeddings\" is not true or false", path);
			goto out;
		}
		c.tied = json_object_get_boolean(o) ? 1 : 0;
	}
	st = get_quant(path, root, &c.weight_quant);
	if (!st)
		st = check(path, &c);
	if (!st)
		*cfg = c;
out:
	json_object_put(root);
	return st;
}

/* The quantization_config of a pre-quantized model, as its convention
 * writes it (the head and embeddings are left unquantized). */
static const char *quant_json(uint32_t q)
{
	switch (q) {
	case VNPU_DTYPE_NVFP4:
		return ",\n  \"quantization_config\": {\"quant_method\": \"modelopt\", "
		       "\"quant_algo\": \"NVFP4\", \"group_size\": 16, "
		       "\"exclude_modules\": [\"lm_head\"]}";
	case VNPU_DTYPE_MXFP8:
		return ",\n  \"quantization_config\": {\"quant_method\": \"modelopt\", "
		       "\"quant_algo\": \"MXFP8\", \"group_size\": 32, "
		       "\"exclude_modules\": [\"lm_head\"]}";
	case VNPU_DTYPE_MXFP4:
		return ",\n  \"quantization_config\": {\"quant_method\": \"mxfp4\", "
		       "\"modules_to_not_convert\": [\"model.embed_tokens\", \"lm_head\"]}";
	}
	return "";
}

vnpu_status vnpu_model_config_save(const char *path, const vnpu_model_config *c)
{
	FILE *f;
	int bad;

	if (!path || vnpu_model_config_check(c))
		return BADCFG("vnpu_model_config_save: bad path or config");
	f = fopen(path, "w");
	if (!f)
		return vnpu_rt_error(vnpu_rt_errno_status(errno), "%s: %s", path,
				     strerror(errno));
	fprintf(f, "{\n  \"architectures\": [\"LlamaForCausalLM\"],\n"
		"  \"model_type\": \"llama\",\n"
		"  \"hidden_size\": %u,\n  \"num_hidden_layers\": %u,\n"
		"  \"num_attention_heads\": %u,\n  \"num_key_value_heads\": %u,\n"
		"  \"head_dim\": %u,\n  \"intermediate_size\": %u,\n"
		"  \"vocab_size\": %u,\n  \"max_position_embeddings\": %u,\n"
		"  \"rope_theta\": %.9g,\n  \"rms_norm_eps\": %.9g,\n"
		"  \"tie_word_embeddings\": %s,\n  \"hidden_act\": \"silu\"%s\n}\n",
		c->dim, c->n_layers, c->n_heads, c->n_kv_heads, c->head_dim,
		c->ffn_dim, c->vocab, c->max_seq, c->rope_theta, c->norm_eps,
		c->tied ? "true" : "false", quant_json(c->weight_quant));
	bad = ferror(f);
	if (fclose(f) || bad)
		return vnpu_rt_error(VNPU_STATUS_IO_ERROR, "%s: write failed", path);
	return VNPU_STATUS_OK;
}

uint64_t vnpu_model_config_params(const vnpu_model_config *c)
{
	uint64_t d = c->dim, q = (uint64_t)c->n_heads * c->head_dim;
	uint64_t kv = (uint64_t)c->n_kv_heads * c->head_dim;
	uint64_t layer = d * q * 2 + d * kv * 2 + 3 * d * c->ffn_dim + 2 * d;

	return layer * c->n_layers + (uint64_t)c->vocab * d * (c->tied ? 1 : 2) + d;
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vnpu-eval --quick on the real Fashion-MNIST files (Debian's
# dataset-fashion-mnist): the seed trains to the exact accuracy measured
# when this test was written, the thread count changes no result, the
# inference batch (a last partial one included) changes no result, the
# formats keep the orderings that must hold (bounds chosen from measured
# values with margin: docs/eval.md), the JSON parses, the SVG is
# well-formed with one marker per measured row, and bad input or usage
# gives the documented exit status and message. Needs VNPU_BIN.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VNPU_BIN:-$top/build/host}
tool=$bin/vnpu-eval
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "TAP version 13"

run() {	# NAME ARGS...: JSON into $tmp/NAME.json, status into $tmp/NAME.rc
	name=$1
	shift
	"$tool" --quick --json -q "$@" > "$tmp/$name.json" 2> "$tmp/$name.err"
	echo $? > "$tmp/$name.rc"
}
run j1 -j 1 --plot "$tmp/plot.svg"
run j2 -j 2 --llm none --infer-batch 300	# 300: a last partial batch
run none -j 2 --keep none --methods rtn --llm none
run act -j 2 --act mxint8 --formats bf16 --methods rtn --llm none
"$tool" --quick -q -j 2 --formats mxfp4 --methods rtn,hadamard --llm none \
	> "$tmp/table.txt" 2>&1
echo $? > "$tmp/table.rc"

# bad input and usage
"$tool" --data "$tmp/nowhere" -q > /dev/null 2> "$tmp/nodata.err"
echo $? > "$tmp/nodata.rc"
mkdir "$tmp/bad"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-labels-idx1-ubyte; do
	ln -s /usr/share/datasets/fashion-mnist/$f.gz "$tmp/bad/$f.gz"
done
printf '\0\0\10\3\0\0\0\1\0\0\0\34\0\0\0\34' | gzip > "$tmp/bad/t10k-images-idx3-ubyte.gz"
"$tool" --data "$tmp/bad" -q > /dev/null 2> "$tmp/bad.err"
echo $? > "$tmp/bad.rc"
"$tool" --quick -q --formats fp32 --methods rtn --llm "$tmp/nomodel" > "$tmp/nomodel.out" \
	2> "$tmp/nomodel.err"
echo $? > "$tmp/nomodel.rc"
"$tool" --epochs 0 > /dev/null 2> "$tmp/usage.err"
echo $? > "$tmp/usage.rc"
"$tool" --quick -q --formats fp32 --plot "$tmp/nodir/p.svg" > /dev/null 2> "$tmp/plot.err"
echo $? > "$tmp/plotio.rc"

exec python3 - "$tmp" <<'PY'
import json, os, sys, xml.etree.ElementTree as ET
tmp = sys.argv[1]
n = 0
def check(name, cond, detail=""):
    global n
    n += 1
    print(("ok" if cond else "not ok") + " %d %s" % (n, name))
    if not cond and detail:
        for line in str(detail).splitlines():
            print("# " + line)
def rc(name):
    return int(open(os.path.join(tmp, name + ".rc")).read())
def text(name):
    return open(os.path.join(tmp, name)).read()
def load(name):
    try:
        return json.load(open(os.path.join(tmp, name + ".json")))
    except Exception as e:
        return {"error": str(e)}
def row(doc, fmt, method):
    for r in doc.get("mlp_results", []):
        if r["format"] == fmt and r["method"] == method:
            return r
    return {"status": "missing"}

j1, j2, none, act = load("j1"), load("j2"), load("none"), load("act")
check("quick_run_exits_0", rc("j1") == 0 and rc("j2") == 0 and rc("none") == 0
      and rc("act") == 0, text("j1.err") + text("j2.err"))
check("json_parses", "mlp_results" in j1 and "mlp_results" in j2, j1)
m = j1.get("mlp", {})
check("quick_subset_shape", m.get("train_images") == 10000 and
      m.get("test_images") == 2000 and m.get("epochs") == 3 and
      m.get("dims") == [800, 256, 128, 10], m)
# seed 1 trains to 1698/2000 (84.90%) on the host and through libvnpu's
# FP32 program; the bound: at least 80% whatever the seed
fp32 = row(j1, "fp32", "-")
check("seed_1_host_fp32_exactly_1698", m.get("host_correct") == 1698, m)
check("seed_1_libvnpu_fp32_exactly_1698", fp32.get("correct") == 1698, fp32)
check("fp32_accuracy_at_least_80", fp32.get("accuracy", 0) >= 0.80, fp32)
strip = lambda d: [{k: v for k, v in r.items() if k != "seconds"}
                   for r in d.get("mlp_results", [])]
check("results_independent_of_threads_and_inference_batch",
      strip(j1) and strip(j1) == strip(j2))

ok = lambda r: r.get("status") == "ok"
bf16 = row(j1, "bf16", "-")
x8, n4, m4 = row(j1, "mxfp8", "rtn"), row(j1, "nvfp4", "rtn"), row(j1, "mxfp4", "rtn")
m4mse = row(j1, "mxfp4", "mse")
allok = all(ok(r) for r in (fp32, bf16, x8, n4, m4, m4mse, row(j1, "mxfp8", "mse"),
                            row(j1, "nvfp4", "mse")))
check("rtn_and_mse_rows_run", allok, j1.get("mlp_results"))
if allok:
    acc = lambda r: r["accuracy"]
    check("fp32_kl_0_agreement_1", fp32["kl"] == 0 and fp32["agree"] == 2000, fp32)
    check("kl_bf16_lt_mxfp8_lt_fp4", bf16["kl"] < x8["kl"] < min(n4["kl"], m4["kl"]),
          (bf16["kl"], x8["kl"], n4["kl"], m4["kl"]))
    check("agreement_mxfp8_gt_fp4", x8["agree"] > max(n4["agree"], m4["agree"]),
          (x8["agree"], n4["agree"], m4["agree"]))
    check("bf16_within_0.1_points", abs(acc(bf16) - acc(fp32)) <= 0.001, bf16)
    check("mxfp8_within_0.5_points", all(abs(acc(row(j1, "mxfp8", k)) - acc(fp32)) <= 0.005
                                         for k in ("rtn", "mse")), x8)
    check("fp4_within_1.5_points", all(abs(acc(row(j1, f, k)) - acc(fp32)) <= 0.015
                                       for f in ("nvfp4", "mxfp4") for k in ("rtn", "mse")))
    check("mxfp4_mse_kl_below_rtn", m4mse["kl"] < m4["kl"], (m4mse["kl"], m4["kl"]))
    check("weight_bytes_by_bits", m4["weight_bytes"] < n4["weight_bytes"] <
          x8["weight_bytes"] < bf16["weight_bytes"] < fp32["weight_bytes"])
    nm4 = row(none, "mxfp4", "rtn")
    check("head_in_format_costs_kl", ok(nm4) and nm4["kl"] > m4["kl"] and
          nm4["weight_bytes"] < m4["weight_bytes"], (nm4, m4))
    ab = row(act, "bf16", "-")
    check("mxint8_activations_add_kl", ok(ab) and ab["kl"] > bf16["kl"] and
          act["mlp"]["act_quant"] == "mxint8", (ab, bf16))

# Hadamard: measured when this libvnpu compiles it, else said so, never faked
for f in ("mxfp8", "nvfp4", "mxfp4"):
    h = row(j1, f, "hadamard")
    good = (h.get("status") == "unsupported" and "Hadamard" in h.get("reason", "")
            and "correct" not in h) or \
           (ok(h) and abs(h["accuracy"] - fp32.get("accuracy", 0)) <= 0.015)
    check("hadamard_%s_measured_or_unsupported" % f, good, h)
tab = text("table.txt")
hrow = [l for l in tab.splitlines() if l.startswith("mxfp4") and "hadamard" in l]
unsup = row(j1, "mxfp4", "hadamard").get("status") == "unsupported"
check("table_says_unsupported_by_this_libvnpu", rc("table") == 0 and len(hrow) == 1 and
      (("unsupported by this libvnpu" in hrow[0]) == unsup), tab)
# the transformer part: measured with a libvnpu that has the model API
# (--quick: preset tiny, 32 positions), else "not measured" with the reason
t = j1.get("transformer", {})
tr = t.get("results", [])
if t.get("status") == "measured":
    trow = lambda f, k: next((r for r in tr if r["format"] == f and r["method"] == k),
                             {"status": "missing"})
    tf, tb, t8, tn, t4 = (trow("fp32", "-"), trow("bf16", "-"), trow("mxfp8", "rtn"),
                          trow("nvfp4", "rtn"), trow("mxfp4", "rtn"))
    check("transformer_rows_run", all(ok(r) and r["model"] == "tiny" for r in
                                      (tf, tb, t8, tn, t4)) and t.get("positions") == 32, tr)
    if all(ok(r) for r in (tf, tb, t8, tn, t4)):
        check("transformer_fp32_kl_0_agreement_1", tf["kl"] == 0 and tf["agree"] == 32, tf)
        # measured: 1.3e-5 < 4.9e-3 < 1.4e-2 < 4.1e-2 (128 positions)
        check("transformer_kl_bf16_lt_mxfp8_lt_nvfp4_lt_mxfp4",
              tb["kl"] < t8["kl"] < tn["kl"] < t4["kl"], [r["kl"] for r in (tb, t8, tn, t4)])
        check("transformer_agreement_bf16_ge_mxfp8_ge_mxfp4",
              tb["agree"] >= t8["agree"] >= t4["agree"], [r["agree"] for r in (tb, t8, t4)])
else:
    check("transformer_not_measured_says_why", t.get("status") == "not measured" and
          "model API" in t.get("reason", ""), t)
check("llm_none_skips_the_transformers", j2.get("transformer") ==
      {"status": "not measured", "reason": "skipped (--llm none)"}, j2.get("transformer"))

try:
    root = ET.parse(os.path.join(tmp, "plot.svg")).getroot()
    svg = "{http://www.w3.org/2000/svg}"
    circles = len(root.findall(".//%scircle" % svg))
    lines = len(root.findall(".//%spolyline" % svg))
    # error panel: every measured row; KL panels (log axis): KL > 0 only
    nok = sum(1 for r in j1["mlp_results"] if ok(r)) + \
        sum(1 for r in j1["mlp_results"] if ok(r) and r["kl"] > 0) + \
        sum(1 for r in tr if ok(r) and r["kl"] > 0)
    check("svg_well_formed", root.tag == svg + "svg", root.tag)
    check("svg_one_marker_per_row", circles == nok, (circles, nok))
    check("svg_series_rtn_mse_reference", lines >= 5, lines)
except Exception as e:
    check("svg_well_formed", False, e)

check("missing_data_exit_3", rc("nodata") == 3 and
      "nowhere/train-images-idx3-ubyte.gz: No such file or directory" in text("nodata.err"),
      text("nodata.err"))
check("bad_header_exit_1", rc("bad") == 1 and
      "t10k-images-idx3-ubyte.gz: truncated: the header announces 784 data bytes, the file has 0"
      in text("bad.err"), text("bad.err"))
# with the model API: a missing model directory is an I/O error (3), the
# MLP rows are still printed; without it the transformers are not run (0)
if t.get("status") == "measured":
    check("missing_model_exit_3_mlp_still_reported", rc("nomodel") == 3 and
          "nomodel/config.json: no such file" in text("nomodel.err") and
          "fp32    32.00" in text("nomodel.out") and
          "not measured: failed" in text("nomodel.out"),
          text("nomodel.err") + text("nomodel.out"))
else:
    check("without_model_api_exit_0", rc("nomodel") == 0, text("nomodel.err"))
check("usage_exit_2", rc("usage") == 2 and "--epochs needs 1..1000, not '0'" in text("usage.err"),
      text("usage.err"))
check("unwritable_plot_exit_3", rc("plotio") == 3 and "nodir/p.svg" in text("plot.err"),
      text("plot.err"))
print("1..%d" % n)
PY

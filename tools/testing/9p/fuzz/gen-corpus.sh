#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Regenerate the fuzzers' seed corpus (fuzz/corpus/<harness>/) from the
# unit tests' sample messages.  Run once after a change to the samples;
# the result is committed.
set -e
cd "$(dirname "$0")/.."
make -s build/gen-corpus
rm -rf fuzz/corpus
build/gen-corpus fuzz/corpus
find fuzz/corpus -type f | wc -l | sed 's/$/ seed files written to fuzz\/corpus/'

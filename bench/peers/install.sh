#!/usr/bin/env bash
# Install the peers that bench/grade_latency.py compares `grade` with, each in a venv of its own,
# so that neither can change the grader's environment:
#   nbgrader 0.9.x (`nbgrader autograde`) and otter-grader 7.x (`otter check`).
#
#   bash bench/peers/install.sh            # into ~/.cache/grader-peers (or $GRADER_PEERS)
#
# The bench finds them there; without them it prints the grader's own figures only.
set -euo pipefail
home="${GRADER_PEERS:-$HOME/.cache/grader-peers}"
python="${PYTHON:-python3}"
mkdir -p "$home"
install() {  # NAME PACKAGE...
    local name="$1"
    shift
    if [ ! -x "$home/$name/bin/python" ]; then
        "$python" -m venv "$home/$name"
    fi
    "$home/$name/bin/pip" install -q --upgrade pip
    "$home/$name/bin/pip" install -q "$@"
    echo "installed $name in $home/$name: $("$home/$name/bin/pip" freeze | grep -iE "^($name|otter-grader)==")"
}
install nbgrader "nbgrader>=0.9,<0.10" ipykernel numpy
install otter "otter-grader>=7,<8" ipykernel numpy

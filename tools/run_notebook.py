#!/usr/bin/python3
"""Execute a Jupyter notebook on the Deno kernel and keep every output.

Why not `jupyter nbconvert --execute`: the Deno kernel can publish outputs (display_data from
`Deno.jupyter.display`, late stream text) after it has reported `idle` for a cell; nbclient stops
listening at idle and drops them. This runner sends each code cell, waits for its execute_reply and
its idle status, then keeps listening on IOPub until no message has arrived for --settle seconds.
Outputs are attached to the cell whose request they answer (by parent msg_id), so even a very late
output lands in the right cell. `update_display_data` updates the output with that display_id.

Usage:
  /usr/bin/python3 tools/run_notebook.py NOTEBOOK.ipynb [--out EXECUTED.ipynb] [--kernel deno]
      [--timeout 300] [--settle 1.5] [--env KEY=VALUE ...] [--allow-errors] [--json]

Exit status: 0 all cells ran; 1 a cell raised an error; 2 a cell timed out or the kernel died;
3 bad usage. With --json, one JSON line with per-cell timings and errors is printed to stdout,
with "droppedMessages": IOPub messages that failed their HMAC check and were skipped (seen with the
Deno 2.9 kernel and 10 MB outputs; lib/plot therefore sends plotly.js gzip-compressed, ~2.6 MB).
"""
import argparse
import json
import os
import queue
import re
import sys
import time

import nbformat
from jupyter_client.manager import KernelManager

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text):
    return ANSI.sub("", text)


def output_from_msg(msg):
    kind = msg["header"]["msg_type"]
    content = msg["content"]
    if kind == "stream":
        return nbformat.v4.new_output("stream", name=content["name"], text=content["text"])
    if kind in ("display_data", "update_display_data"):
        out = nbformat.v4.new_output(
            "display_data", data=content.get("data", {}), metadata=content.get("metadata", {})
        )
        return out
    if kind == "execute_result":
        return nbformat.v4.new_output(
            "execute_result",
            data=content.get("data", {}),
            metadata=content.get("metadata", {}),
            execution_count=content.get("execution_count"),
        )
    if kind == "error":
        return nbformat.v4.new_output(
            "error",
            ename=content.get("ename", ""),
            evalue=content.get("evalue", ""),
            traceback=content.get("traceback", []),
        )
    return None


class Runner:
    def __init__(self, nb, kernel, cwd, env, timeout, settle, log):
        self.nb = nb
        self.timeout = timeout
        self.settle = settle
        self.log = log
        self.km = KernelManager(kernel_name=kernel)
        self.km.start_kernel(cwd=cwd, env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.cell_of = {}  # parent msg_id -> cell
        self.display_ids = {}  # display_id -> list of (cell, output index)
        self.pending_clear = {}  # cell index -> bool (clear_output wait=True)
        self.bad_messages = 0

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)

    def attach(self, msg):
        parent = msg.get("parent_header", {}).get("msg_id")
        cell = self.cell_of.get(parent)
        if cell is None:
            return None
        kind = msg["header"]["msg_type"]
        content = msg["content"]
        if kind == "clear_output":
            if content.get("wait"):
                self.pending_clear[id(cell)] = True
            else:
                cell.outputs = []
            return kind
        if kind == "update_display_data":
            did = content.get("transient", {}).get("display_id")
            for c, i in self.display_ids.get(did, []):
                c.outputs[i]["data"] = content.get("data", {})
                c.outputs[i]["metadata"] = content.get("metadata", {})
            return kind
        out = output_from_msg(msg)
        if out is None:
            return kind
        if self.pending_clear.pop(id(cell), False):
            cell.outputs = []
        if out.output_type == "stream" and cell.outputs and cell.outputs[-1].get("output_type") == "stream" \
                and cell.outputs[-1].get("name") == out.name:
            cell.outputs[-1]["text"] += out.text
        else:
            cell.outputs.append(out)
            did = content.get("transient", {}).get("display_id")
            if did:
                self.display_ids.setdefault(did, []).append((cell, len(cell.outputs) - 1))
        return kind

    def drain(self, until_idle_of=None, deadline=None):
        """Reads IOPub. Returns once `until_idle_of` went idle AND nothing arrived for `settle` s."""
        idle = until_idle_of is None
        last = time.monotonic()
        while True:
            now = time.monotonic()
            if deadline is not None and now > deadline:
                return "timeout"
            if idle and now - last >= self.settle:
                return "ok"
            try:
                msg = self.kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                if not self.km.is_alive():
                    return "dead"
                continue
            except ValueError as e:  # a message that failed its HMAC check
                self.bad_messages += 1
                self.log(f"dropped an IOPub message: {e}")
                continue
            last = time.monotonic()
            kind = msg["header"]["msg_type"]
            parent = msg.get("parent_header", {}).get("msg_id")
            if kind == "status":
                if parent == until_idle_of and msg["content"].get("execution_state") == "idle":
                    idle = True
                continue
            self.attach(msg)

    def run(self, allow_errors=False):
        results = []
        self.drain(None, time.monotonic() + self.settle)
        count = 0
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            count += 1
            start = time.monotonic()
            msg_id = self.kc.execute(cell.source, store_history=True, allow_stdin=False, stop_on_error=False)
            self.cell_of[msg_id] = cell
            state = self.drain(msg_id, start + self.timeout)
            seconds = time.monotonic() - start
            cell.execution_count = count
            for out in cell.outputs:
                if out.get("output_type") == "execute_result":
                    out["execution_count"] = count
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            result = {"cell": index, "seconds": round(seconds, 2), "status": state}
            if errors:
                result["status"] = "error"
                result["error"] = strip_ansi(f"{errors[0].get('ename')}: {errors[0].get('evalue')}")
            results.append(result)
            self.log(f"cell {index}: {result['status']} in {seconds:.2f} s"
                     + (f" ({result['error']})" if errors else ""))
            if state == "timeout":
                self.log(f"cell {index}: timed out after {self.timeout} s; interrupting the kernel")
                self.km.interrupt_kernel()
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="Timeout", evalue=f"cell timed out after {self.timeout} s", traceback=[]))
                return results, 2
            if state == "dead":
                return results, 2
            if errors and not allow_errors:
                for line in errors[0].get("traceback", []):
                    self.log(strip_ansi(line))
                return results, 1
        return results, 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("notebook")
    p.add_argument("--out", help="where to write the executed notebook (default: don't)")
    p.add_argument("--kernel", default="deno")
    p.add_argument("--timeout", type=float, default=300.0, help="per-cell timeout in seconds")
    p.add_argument("--settle", type=float, default=1.5,
                   help="seconds without IOPub messages after idle before a cell counts as done")
    p.add_argument("--env", action="append", default=[], help="KEY=VALUE for the kernel's environment")
    p.add_argument("--cwd", help="kernel working directory (default: the notebook's folder)")
    p.add_argument("--allow-errors", action="store_true")
    p.add_argument("--json", action="store_true", help="print a JSON summary line on stdout")
    args = p.parse_args(argv)

    nb = nbformat.read(args.notebook, as_version=4)
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    for item in args.env:
        if "=" not in item:
            print(f"--env expects KEY=VALUE, got {item!r}", file=sys.stderr)
            return 3
        k, v = item.split("=", 1)
        env[k] = v
    cwd = args.cwd or os.path.dirname(os.path.abspath(args.notebook))
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    started = time.monotonic()
    runner = Runner(nb, args.kernel, cwd, env, args.timeout, args.settle, log)
    try:
        results, status = runner.run(args.allow_errors)
    finally:
        runner.close()
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        nbformat.write(nb, args.out)
    if args.json:
        print(json.dumps({"notebook": args.notebook, "status": status,
                          "seconds": round(time.monotonic() - started, 2),
                          "droppedMessages": runner.bad_messages, "cells": results}))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

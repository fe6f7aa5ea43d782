# SPDX-License-Identifier: GPL-3.0-or-later
import os, subprocess
pid = os.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", "exit 0"])
os.waitpid(pid, 0)
subprocess.run(["/bin/echo", "child"], check=True)

# SPDX-License-Identifier: GPL-3.0-or-later
import ctypes, threading
t = threading.Thread(target=sum, args=(range(1000),)); t.start(); t.join()
ctypes.string_at(0)

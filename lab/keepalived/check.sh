#!/bin/sh
# Default health check when the FreeSWITCH role supplies none: healthy while the role's process runs.
kill -0 "$(cat /run/zerodrop/role.pid 2>/dev/null)" 2>/dev/null

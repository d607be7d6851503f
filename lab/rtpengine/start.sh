#!/bin/sh
# RTPEngine userspace (no kernel table): --config-file=none, or the packaged config overrides these flags.
# Never --no-fallback. Media ports {{PORT_MIN}}-{{PORT_MAX}}, ng control on {{RTPENGINE_IP}}:2223.
exec rtpengine --config-file=none --table=-1 --foreground --log-stderr --log-level=6 \
  --interface={{RTPENGINE_IP}} --listen-ng={{RTPENGINE_IP}}:2223 \
  --port-min={{PORT_MIN}} --port-max={{PORT_MAX}} --delete-delay=0 --pidfile=/run/rtpengine.pid

#!/bin/sh
# One line, as the lab's Java echo server writes it (EchoServer.whoLine):
#   <task name> <local ip>:<port> client=<client ip>:<port>
# The task name is SWARMNET_TASK_NAME, else the container's hostname. httpd tells the
# client's address; the local one is the connection's other end in netstat.
name=${SWARMNET_TASK_NAME:-$(hostname)}
local=$(netstat -tn 2>/dev/null | awk -v peer="$REMOTE_ADDR:$REMOTE_PORT" '$5 == peer { print $4; exit }')
printf 'Content-Type: text/plain\r\nX-Task: %s\r\n\r\n' "$name"
printf '%s %s client=%s:%s\n' "$name" "$local" "$REMOTE_ADDR" "$REMOTE_PORT"

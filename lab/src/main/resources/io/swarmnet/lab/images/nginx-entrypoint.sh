#!/bin/sh
# swarmnet/nginx's command. With UPSTREAM (e.g. api:8080) it is a reverse proxy to it,
# else it serves a static page; on PORT (default 80). nginx resolves the upstream's
# name once, at startup, through the system resolver: /etc/hosts, then the
# container's /etc/resolv.conf (127.0.0.11 in a swarmnet task).
set -e
port=${PORT:-80}
if [ -n "$UPSTREAM" ]; then
  location="proxy_pass http://$UPSTREAM;"
else
  location="root /usr/share/nginx/html;"
fi
cat > /etc/nginx/nginx.conf <<CONF
user www-data;
worker_processes 1;
pid /run/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /dev/stdout;
  server {
    listen $port;
    location / { $location }
  }
}
CONF
exec nginx -e stderr -g 'daemon off;'

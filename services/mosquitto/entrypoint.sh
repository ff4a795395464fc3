#!/bin/sh
# First start: create the dynamic-security config with its admin (the platform's MQTT_ADMIN_* login);
# later starts keep every client and role the platform provisioned.
set -eu
CONFIG=/mosquitto/data/dynamic-security.json
if [ ! -f "$CONFIG" ]; then
  mosquitto_ctrl dynsec init "$CONFIG" "$MQTT_ADMIN_USERNAME" "$MQTT_ADMIN_PASSWORD"
fi
# MQTT over TLS on 8883 when the certificate volume holds a certificate and its key
# (docs/deploy.md "Devices over TLS and WebSocket"); the configuration directory itself is read-only.
CONF=/mosquitto/config/mosquitto.conf
CERTS=/mosquitto/certs
if [ -f "$CERTS/server.crt" ] && [ -f "$CERTS/server.key" ]; then
  { cat "$CONF"; echo; cat /mosquitto/config/tls-listener.conf; } > /tmp/mosquitto.conf
  CONF=/tmp/mosquitto.conf
  echo "vigil: MQTT over TLS on 8883 with $CERTS/server.crt"
else
  echo "vigil: no $CERTS/server.crt and server.key, MQTT over TLS (8883) is off"
fi
exec mosquitto -c "$CONF"

#!/bin/sh
# First start: create the dynamic-security config with its admin (the platform's MQTT_ADMIN_* login);
# later starts keep every client and role the platform provisioned.
set -eu
CONFIG=/mosquitto/data/dynamic-security.json
if [ ! -f "$CONFIG" ]; then
  mosquitto_ctrl dynsec init "$CONFIG" "$MQTT_ADMIN_USERNAME" "$MQTT_ADMIN_PASSWORD"
fi
exec mosquitto -c /mosquitto/config/mosquitto.conf

// The SQL Examples drawer's entries: the guide's two rules first, then filtering, FOREACH, CASE
// and functions. Each has a test context that matches it, so "Use" followed by Try It Out gives
// an output at once.
export const SQL_EXAMPLES = [
  {
    title: 'Guide: forward temp_hum/emqx to the remote',
    sql: 'SELECT\n  topic,\n  payload\nFROM\n  "temp_hum/emqx"',
    event: 'message.publish',
    context: { clientid: 'test_client', topic: 'temp_hum/emqx', payload: '{"temp": "27.5", "hum": "41.8"}' },
  },
  {
    title: 'Guide: republish what a source receives',
    sql: 'SELECT\n  *\nFROM\n  "$bridges/mqtt:from_remote"',
    event: '$bridges/mqtt:from_remote',
    context: { topic: 'temp_hum/emqx', payload: '{"temp": 55, "hum": 32}', qos: 1 },
  },
  {
    title: 'Filter: only hot readings',
    sql: 'SELECT\n  payload.temp AS temp,\n  clientid\nFROM\n  "sensors/+/temp"\nWHERE\n  payload.temp > 30',
    event: 'message.publish',
    context: { clientid: 'sensor-7', topic: 'sensors/7/temp', payload: '{"temp": 35.2}' },
  },
  {
    title: 'FOREACH: one message per array element',
    sql: 'FOREACH\n  payload.sensors AS s\nDO\n  s.name AS name,\n  s.value AS value\nINCASE\n  s.value > 0\nFROM\n  "gateway/+/batch"',
    event: 'message.publish',
    context: { topic: 'gateway/1/batch', payload: '{"sensors": [{"name": "a", "value": 1}, {"name": "b", "value": 0}]}' },
  },
  {
    title: 'CASE: classify a reading',
    sql: 'SELECT\n  payload.hum AS hum,\n  CASE WHEN payload.hum > 80 THEN \'wet\'\n       WHEN payload.hum < 20 THEN \'dry\'\n       ELSE \'normal\' END AS level\nFROM\n  "temp_hum/#"',
    event: 'message.publish',
    context: { topic: 'temp_hum/emqx', payload: '{"temp": 21, "hum": 85}' },
  },
  {
    title: 'Functions: enrich and transform',
    sql: 'SELECT\n  upper(clientid) AS device,\n  round(payload.temp * 1.8 + 32) AS temp_f,\n  format_date(\'millisecond\', \'Z\', \'%Y-%m-%dT%H:%M:%S.%3N%:z\', timestamp) AS at,\n  nth(2, split(topic, \'/\')) AS site\nFROM\n  "temp_hum/#"',
    event: 'message.publish',
    context: { clientid: 'dev-1', topic: 'temp_hum/site-a', payload: '{"temp": 27.5}' },
  },
  {
    title: 'Events: devices going online and offline',
    sql: 'SELECT\n  clientid,\n  event,\n  timestamp\nFROM\n  "$events/client_connected", "$events/client_disconnected"',
    event: 'client.connected',
    context: { event_type: 'client_connected', clientid: 'dev-1' },
  },
];

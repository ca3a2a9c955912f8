<?php
// The seed's backend snippet (see seed_backend.php) for a server that
// requires an inner secret: the one extra step is the "auth" line and its
// "ok" before the push. The secret comes from WSPUSH_INNER_SECRET here;
// a real backend would read it from a file only it can read.
$client = stream_socket_client('tcp://127.0.0.1:' . getenv('INNER_PORT'), $errno, $errmsg, 1, STREAM_CLIENT_CONNECT|STREAM_CLIENT_PERSISTENT);
fwrite($client, 'auth ' . getenv('WSPUSH_INNER_SECRET') . "\n");   // the extra line
fgets($client);                                                     // "ok"
$data = array('uid'=>'uid1', 'percent'=>'88%');
fwrite($client, json_encode($data)."\n");
echo fread($client, 8192);

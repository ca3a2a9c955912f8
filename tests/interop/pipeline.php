<?php
// A backend that pipelines: several request lines in one fwrite(), then
// reads one reply per line, in order. Prints the replies as read.
$client = stream_socket_client('tcp://127.0.0.1:' . getenv('INNER_PORT'), $errno, $errmsg, 1);
if ($client === false) { fwrite(STDERR, "connect: $errmsg\n"); exit(1); }
stream_set_timeout($client, 5);
$lines = array(
    json_encode(array('uid'=>'uid1', 'percent'=>'10%')),
    json_encode(array('uid'=>'nobody', 'percent'=>'20%')),
    '{"uid":"uid1", "percent":',
    json_encode(array('percent'=>'30%')),
    json_encode(array('uid'=>'uid1', 'percent'=>'40%')),
    'online uid1',
);
$all = implode("\n", $lines)."\n";
if (fwrite($client, $all) !== strlen($all)) { fwrite(STDERR, "short write\n"); exit(1); }
foreach ($lines as $line) {
    $reply = fgets($client);
    if ($reply === false) { fwrite(STDERR, "no reply for: $line\n"); exit(1); }
    echo $reply;
}

<?php
// Push {"uid": UID, "text": TEXT} with json_encode(FLAGS): by default PHP
// escapes every non-ASCII character as \uXXXX (a surrogate pair for an
// emoji). Prints the line it sent, then the server's reply.
list(, $uid, $text, $flags) = $argv;
$client = stream_socket_client('tcp://127.0.0.1:' . getenv('INNER_PORT'), $errno, $errmsg, 1);
if ($client === false) { fwrite(STDERR, "connect: $errmsg\n"); exit(1); }
stream_set_timeout($client, 5);
$line = json_encode(array('uid'=>$uid, 'text'=>$text), (int)$flags);
fwrite($client, $line."\n");
echo $line, "\n", fgets($client);

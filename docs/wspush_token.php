<?php
// wspush_token.php -- mint wspush page tokens in a PHP backend.
//
// With a secret configured, a page's first message must be a token that
// names its uid (docs/PROTOCOL.md, "Trusted uids"). The backend that
// renders the page mints it with the secret it shares with the server:
//
//     require 'wspush_token.php';
//     $secret = wspush_secret('/etc/wspush/secret');   // or getenv('WSPUSH_SECRET')
//     $token = wspush_token($uid, $secret);            // valid for a day
//
// and the page sends $token instead of the uid, as its first message:
//
//     echo '<script>var token = ', json_encode($token), ';</script>';
//     // ... ws.onopen = function () { ws.send(token); };
//
// `wspush token UID [TTL]` prints the same tokens from a shell.

/**
 * Read a wspush secret file: its one line, without the line ending.
 */
function wspush_secret($path)
{
    $s = file_get_contents($path);
    if ($s === false) {
        throw new RuntimeException("wspush: cannot read the secret file $path");
    }
    return preg_replace('/\r?\n\z/', '', $s);
}

/**
 * A token for $uid, valid through $ttl seconds after $now (default: now).
 *
 * Format: v1.UID.EXPIRY.MAC, where UID is the uid in Base64url without
 * padding, EXPIRY the last valid second in Unix time, and MAC the
 * HMAC-SHA1 of "v1.UID.EXPIRY" under the secret, in lowercase hex.
 */
function wspush_token($uid, $secret, $ttl = 86400, $now = null)
{
    $uid = (string)$uid;                    // an integer uid 42 is "42"
    if ($uid === '' || strlen($uid) > 256 || !preg_match('//u', $uid)) {
        throw new InvalidArgumentException('wspush: a uid is 1 to 256 bytes of UTF-8');
    }
    $expiry = ($now === null ? time() : (int)$now) + (int)$ttl;
    $body = 'v1.' . rtrim(strtr(base64_encode($uid), '+/', '-_'), '=') . '.' . $expiry;
    return $body . '.' . hash_hmac('sha1', $body, $secret);
}

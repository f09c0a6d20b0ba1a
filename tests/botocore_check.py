"""Signs every request of a s3presign batch again with botocore, an independent SigV4 signer,
and compares: same host, same path, same query parameters, same signature.

Everything botocore signs with comes from the *request*, never from s3presign's result: the
signing time and region the test asked for (arguments), and the lifetime from the request's own
`expires_in` (seconds, or a duration such as 1d12h) or `expires` (an instant), computed here.
A wrong expiry computation, an ignored --start-time or a wrong region therefore shows.

Arguments: ACCESS_KEY SECRET_KEY SESSION_TOKEN('' for none) START_TIME(RFC 3339, Z) REGION.
Input (stdin): JSON lines {"request": {...batch request...}, "result": {...s3presign url record...}}.
Output: a summary line; exit status 1 if any URL differs.
"""
import datetime
import json
import re
import sys
from urllib.parse import parse_qsl, quote, urlsplit

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY, SECRET_KEY, TOKEN, START, REGION = sys.argv[1:6]
credentials = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN or None)
SIGNED_AT = datetime.datetime.strptime(START, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
botocore.auth.get_current_datetime = lambda: SIGNED_AT.replace(tzinfo=None)
DEFAULT_SECONDS = 3600  # docs/protocol.md: with no expiry anywhere, a URL lives 1 hour
UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def lifetime(request):
    """Seconds from the signing time to the requested expiry, from the request alone."""
    if "expires" in request:
        text = request["expires"]
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            text += "T00:00:00"
        instant = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=datetime.timezone.utc)
        return int((instant - SIGNED_AT).total_seconds())
    given = request.get("expires_in", DEFAULT_SECONDS)
    if isinstance(given, int) or re.fullmatch(r"\d+", given):
        return int(given)
    parts = re.findall(r"(\d+)([dhms])", given)
    assert "".join(n + u for n, u in parts) == given, "not a duration: %r" % given
    return sum(int(n) * UNITS[u] for n, u in parts)


def botocore_url(request):
    url = "https://%s.s3.%s.amazonaws.com/%s" % (request["bucket"], REGION, quote(request["key"], safe="/~"))
    if request.get("version_id"):
        url += "?versionId=" + quote(request["version_id"], safe="-_.~")
    headers = {}
    if request.get("content_type"):
        headers["Content-Type"] = request["content_type"]
    aws_request = AWSRequest(method=request.get("verb", "GET").upper(), url=url, headers=headers)
    auth = botocore.auth.S3SigV4QueryAuth(credentials, "s3", REGION, expires=lifetime(request))
    auth.add_auth(aws_request)
    return aws_request.url


def main():
    checked = failed = 0
    for line in sys.stdin:
        pair = json.loads(line)
        ours = urlsplit(pair["result"]["url"])
        theirs = urlsplit(botocore_url(pair["request"]))
        ours_q, theirs_q = dict(parse_qsl(ours.query)), dict(parse_qsl(theirs.query))
        checked += 1
        if ours.netloc != theirs.netloc or ours.path != theirs.path or ours_q != theirs_q:
            failed += 1
            if failed <= 5:
                print("MISMATCH for %r\n  ours:     %s\n  botocore: %s" % (pair["request"], ours.geturl(), theirs.geturl()))
    print("botocore: %d passed, %d failed" % (checked - failed, failed))
    sys.exit(1 if failed or checked == 0 else 0)


main()

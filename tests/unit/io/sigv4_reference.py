"""Signs S3 requests with botocore's SigV4 signer (Debian's python3-botocore), offline, for
s3_sigv4_test.cpp. Reads one request per line on stdin, tab-separated hex-encoded UTF-8 fields:

  method  bucket  key  query  headers  payload_hash  access_key  secret_key  region  amz_date

where query and headers are "name\\0value" items joined by "\\n". The URL path is built from the
raw key the way botocore's REST serializer builds it, so the path encoding is checked too.
Prints per request: hex(canonical request) TAB hex(string to sign) TAB signature.
Exits 77 when botocore is not installed.
"""

import sys

try:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode
except ImportError:
    print("botocore is not installed (apt-get install python3-botocore)", file=sys.stderr)
    sys.exit(77)


def pairs(field: str) -> list[tuple[str, str]]:
    return [tuple(item.split("\0", 1)) for item in field.split("\n")] if field else []


for line in sys.stdin:
    fields = [bytes.fromhex(f).decode("utf-8") for f in line.rstrip("\n").split("\t")]
    method, bucket, key, query, headers, payload, access, secret, region, amz_date = fields
    path = "/" + bucket + ("/" + percent_encode(key, safe="/~") if key else "")
    request = AWSRequest(method=method, url="http://example.invalid" + path,
                         headers=dict(pairs(headers)), params=pairs(query))
    if request.headers.get("X-Amz-Content-SHA256") != payload:
        raise SystemExit("the x-amz-content-sha256 header must carry the payload hash")
    request.context["timestamp"] = amz_date
    signer = S3SigV4Auth(Credentials(access, secret), "s3", region)
    canonical = signer.canonical_request(request)
    to_sign = signer.string_to_sign(request, canonical)
    signature = signer.signature(to_sign, request)
    print(canonical.encode().hex(), to_sign.encode().hex(), signature, sep="\t")

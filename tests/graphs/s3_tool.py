"""botocore (an independent S3 client) for the S3 tests: puts inputs, fetches outputs, looks at
unfinished uploads. The endpoint is AWS_ENDPOINT_URL, the credentials s3rver's S3RVER/S3RVER.

usage: s3_tool.py mb BUCKET
       s3_tool.py put LOCAL_DIR BUCKET PREFIX     (every file below LOCAL_DIR)
       s3_tool.py get BUCKET PREFIX LOCAL_DIR     (every key below PREFIX)
       s3_tool.py exists BUCKET KEY               (exit 0 if it exists, 1 if not)
       s3_tool.py uploads BUCKET                  (prints how many uploads are unfinished)
"""

import os
import sys

import botocore.session
from botocore.config import Config

client = botocore.session.get_session().create_client(
    "s3", region_name="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
    aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER",
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
command, *args = sys.argv[1:]
if command == "mb":
    client.create_bucket(Bucket=args[0])
elif command == "put":
    local, bucket, prefix = args
    for folder, _, files in os.walk(local):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                client.put_object(Bucket=bucket, Key=prefix + os.path.relpath(path, local), Body=f.read())
elif command == "get":
    bucket, prefix, local = args
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            target = os.path.join(local, item["Key"][len(prefix):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
elif command == "exists":
    try:
        client.head_object(Bucket=args[0], Key=args[1])
    except client.exceptions.ClientError:
        sys.exit(1)
elif command == "uploads":
    print(len(client.list_multipart_uploads(Bucket=args[0]).get("Uploads", [])))
else:
    sys.exit(f"unknown command {command}")

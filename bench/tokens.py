"""Writes the bench clients' inputs: tokens and the ids bench/seed.sql generated.

usage: tokens.py OUT_DIR --alg HS256|ES256 [--secret S | --key-out PEM_PATH] [dataset sizes]
       tokens.py OUT_DIR --cursor-key K --sign LIST:POSITIONS_FILE:OUT_NAME


Files (one item per line): employees.txt (token of E<i> on line i), managers.txt (M<r>),
hr.txt, released.txt (feedback id of released n), drafts.txt ("<id> <manager index>"),
hr-<tenant>.txt and cursors-<tenant>.txt (review-queue cursors at random positions). With
--sign, only OUT_NAME: a cursor of list LIST for each position (one JSON value a line) of
POSITIONS_FILE.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import time
import uuid


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cursor(key: str, list_name: str, position: str) -> str:
    """A cursor as the service signs it (http::pagination::Pager): base64url(position) "."
    base64url(the first 16 bytes of HMAC-SHA-256(key, list name, NUL, position))."""
    payload = position.encode()
    tag = hmac.new(key.encode(), list_name.encode() + b"\0" + payload, hashlib.sha256).digest()[:16]
    return b64(payload) + "." + b64(tag)


def md5_uuid(text: str) -> str:
    return str(uuid.UUID(hashlib.md5(text.encode()).hexdigest()))


class Signer:
    def __init__(self, alg, secret=None, key_out=None):
        self.alg = alg
        if alg == "HS256":
            self.secret = secret.encode()
        else:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import ec

            self.key = ec.generate_private_key(ec.SECP256R1())
            pem = self.key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            with open(key_out, "wb") as f:
                f.write(pem)

    def sign(self, signing_input: bytes) -> bytes:
        if self.alg == "HS256":
            return hmac.new(self.secret, signing_input, hashlib.sha256).digest()
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def token(self, sub, roles, tenant, ttl=4 * 3600):
        now = int(time.time())
        header = {"alg": self.alg, "typ": "JWT"}
        claims = {"sub": sub, "iss": "debrief-bench", "aud": "debrief", "iat": now, "nbf": now,
                  "exp": now + ttl, "roles": roles, "tid": tenant}
        signing_input = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())).encode()
        return signing_input.decode() + "." + b64(self.sign(signing_input))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--alg", default="HS256", choices=["HS256", "ES256"])
    p.add_argument("--secret")
    p.add_argument("--key-out")
    p.add_argument("--cursor-key", default="", help="the service's cursor-hmac secret")
    p.add_argument("--tenant", default="bench")
    p.add_argument("--employees", type=int)
    p.add_argument("--released", type=int)
    p.add_argument("--drafts", type=int)
    p.add_argument("--submitted", type=int)
    p.add_argument("--sign", help="LIST:POSITIONS_FILE:OUT_NAME: cursors for the positions of a file")
    p.add_argument("--queue", action="append", default=[],
                   help="tenant:first:count: HR token and cursors at random positions of that tenant's queue")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.sign:
        list_name, positions, out_name = a.sign.split(":", 2)
        with open(positions) as source, open(os.path.join(a.out, out_name), "w") as target:
            for line in source:
                if line.strip():
                    # The service signs serde_json's compact form of the position.
                    position = json.dumps(json.loads(line), separators=(",", ":"))
                    target.write(cursor(a.cursor_key, list_name, position) + "\n")
        return
    if None in (a.employees, a.released, a.drafts, a.submitted):
        p.error("--employees, --released, --drafts and --submitted are required")
    signer = Signer(a.alg, a.secret, a.key_out)
    t = a.tenant
    total = a.released + a.drafts + a.submitted

    def write(name, lines):
        with open(os.path.join(a.out, name), "w") as f:
            f.write("\n".join(lines) + "\n")

    write("employees.txt", (signer.token(f"E{i}", ["employee"], t) for i in range(a.employees)))
    write("managers.txt", (signer.token(f"M{r}", ["hiring_manager"], t) for r in range((total + 49) // 50)))
    write("hr.txt", [signer.token("H1", ["hr"], t)])
    write("released.txt", (md5_uuid(f"{t}-fb-{n}") for n in range(a.released)))
    write("drafts.txt", (f"{md5_uuid(f'{t}-fb-{n}')} {n // 50}" for n in range(a.released, a.released + a.drafts)))
    rng = random.Random(20261125)
    for spec in a.queue:
        tenant, first, count = spec.split(":")
        first, count = int(first), int(count)
        write(f"hr-{tenant}.txt", [signer.token("H1", ["hr"], tenant)])
        write(f"cursors-{tenant}.txt",
              (cursor(a.cursor_key, "feedback", json.dumps(md5_uuid(f"{tenant}-fb-{first + rng.randrange(count)}")))
               for _ in range(2000)))


if __name__ == "__main__":
    main()

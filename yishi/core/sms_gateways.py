"""SMS gateways (短信网关): Aliyun SMS, Tencent Cloud SMS and a government SMS platform.

Each is an ``SmsBackend`` (``yishi.core.channels``) speaking the vendor's documented HTTPS
API with the standard library, so no SDK is installed:

- ``AliyunSmsBackend``: ``SendSms`` of Dysmsapi 2017-05-25, RPC style, signed with
  HMAC-SHA1 over the sorted, percent-encoded parameters (Aliyun's "signature mechanism");
- ``TencentSmsBackend``: ``SendSms`` of SMS 2021-01-11, signed with TC3-HMAC-SHA256 (Tencent
  Cloud API 3.0, "signature v3");
- ``GovernmentSmsBackend``: a provincial or municipal 政务短信平台: the text as JSON posted
  to ``YISHI_SMS_ENDPOINT``, with the account and an HMAC-SHA256 of the body under the
  platform's secret in headers.

Aliyun and Tencent send only templates approved in their consoles: one for sign-in codes
(``YISHI_SMS_TEMPLATE_SIGN_IN``, variables ``code`` and ``minutes``) and one for
notifications (``YISHI_SMS_TEMPLATE_NOTICE``, variable ``subject``: "您有一条新消息：${subject}，
请登录议事查看。"). A refusal raises ``SmsRefused``: the notification worker retries the
delivery later (``yishi.core.tasks``); a sign-in code says so on the page.

Settings (environment variables of the same names, README "Configuration"):
``YISHI_SMS_KEY_ID``, ``YISHI_SMS_KEY_SECRET``, ``YISHI_SMS_SIGN_NAME``, ``YISHI_SMS_APP_ID``
(Tencent), ``YISHI_SMS_REGION``, ``YISHI_SMS_ENDPOINT`` (to override the vendor's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from .channels import SmsBackend

TIMEOUT = 10  # seconds: a gateway that does not answer is retried, not waited for
JSON = "application/json; charset=utf-8"


class SmsRefused(RuntimeError):
    """The gateway did not take the message (its code and message in the text)."""


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or default)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (https or a configured endpoint)
            return int(response.status), response.read()
    except urllib.error.HTTPError as e:
        return int(e.code), e.read()
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise SmsRefused(f"gateway unreachable: {e}") from e


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SmsRefused(f"gateway answered no JSON: {raw[:200]!r}") from e


class TemplateSmsBackend(SmsBackend):
    """A gateway of approved templates: free text goes out as the notice template."""

    required: ClassVar[tuple[str, ...]] = ("YISHI_SMS_KEY_ID", "YISHI_SMS_KEY_SECRET",
                                           "YISHI_SMS_SIGN_NAME", "YISHI_SMS_TEMPLATE_SIGN_IN",
                                           "YISHI_SMS_TEMPLATE_NOTICE")

    templates: ClassVar[dict[str, str]] = {"sign_in_code": "YISHI_SMS_TEMPLATE_SIGN_IN",
                                           "notice": "YISHI_SMS_TEMPLATE_NOTICE"}
    # The templates' variables, in the order of a gateway whose variables are positional.
    variables: ClassVar[dict[str, tuple[str, ...]]] = {"sign_in_code": ("code", "minutes"),
                                                      "notice": ("subject",)}

    def template_id(self, template: str) -> str:
        tid = _setting(self.templates.get(template, ""))
        if not tid:
            raise SmsRefused(f"no approved template configured for {template!r} "
                             f"({self.templates.get(template, 'YISHI_SMS_TEMPLATE_*')})")
        return tid

    def send_sms(self, *, phone: str, text: str, key: str) -> str:
        return self.send_template(phone=phone, template="notice",
                                  params={"subject": text[:30]}, text=text, key=key)


# --- Aliyun ---------------------------------------------------------------------------------


def aliyun_percent(value: str) -> str:
    """RFC 3986 percent-encoding as Aliyun's signature documents it: only A–Z a–z 0–9
    ``- _ . ~`` stay, a space is %20, UTF-8 bytes otherwise."""
    return quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """Base64(HMAC-SHA1(secret + "&", method & %2F & encoded(sorted query)))."""
    canonical = "&".join(f"{aliyun_percent(k)}={aliyun_percent(v)}"
                         for k, v in sorted(params.items()))
    to_sign = f"{method}&{aliyun_percent('/')}&{aliyun_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsBackend(TemplateSmsBackend):
    """阿里云短信服务 (Dysmsapi ``SendSms``)."""

    endpoint = "https://dysmsapi.aliyuncs.com/"

    def send_template(self, *, phone: str, template: str, params: dict[str, str], text: str,
                      key: str) -> str:
        query = {
            "AccessKeyId": _setting("YISHI_SMS_KEY_ID"), "Action": "SendSms", "Format": "JSON",
            "OutId": key[:64], "PhoneNumbers": phone, "RegionId": _setting("YISHI_SMS_REGION",
                                                                         "cn-hangzhou"),
            "SignName": _setting("YISHI_SMS_SIGN_NAME"), "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "TemplateCode": self.template_id(template),
            "TemplateParam": json.dumps({k: str(v) for k, v in params.items()},
                                        ensure_ascii=False, separators=(",", ":")),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        query["Signature"] = aliyun_signature(query, _setting("YISHI_SMS_KEY_SECRET"))
        status, raw = _post(_setting("YISHI_SMS_ENDPOINT", self.endpoint),
                            urlencode(query).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})
        answer = _json(raw)
        if status != 200 or answer.get("Code") != "OK":
            raise SmsRefused(f"Aliyun {answer.get('Code')}: {answer.get('Message')}")
        return str(answer.get("BizId", ""))


# --- Tencent Cloud --------------------------------------------------------------------------


def tc3_signature(*, secret_key: str, service: str, host: str, timestamp: int, payload: str,
                  content_type: str = JSON) -> str:
    """Tencent Cloud API 3.0 (TC3-HMAC-SHA256) over a POST to ``/`` signing content-type and
    host, hex."""
    canonical = (f"POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\ncontent-type;host\n"
                 f"{hashlib.sha256(payload.encode()).hexdigest()}")
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n"
               f"{hashlib.sha256(canonical.encode()).hexdigest()}")

    def mac(k: bytes, m: str) -> bytes:
        return hmac.new(k, m.encode(), hashlib.sha256).digest()

    signing = mac(mac(mac(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    return hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()


class TencentSmsBackend(TemplateSmsBackend):
    """腾讯云短信 (SMS ``SendSms``, version 2021-01-11)."""

    endpoint = "https://sms.tencentcloudapi.com/"
    required = (*TemplateSmsBackend.required, "YISHI_SMS_APP_ID")

    def send_template(self, *, phone: str, template: str, params: dict[str, str], text: str,
                      key: str) -> str:
        payload = json.dumps({
            "PhoneNumberSet": [f"+86{phone}"], "SmsSdkAppId": _setting("YISHI_SMS_APP_ID"),
            "SignName": _setting("YISHI_SMS_SIGN_NAME"), "TemplateId": self.template_id(template),
            "TemplateParamSet": [str(params.get(v, "")) for v in self.variables[template]],
            "SessionContext": key[:512],
        }, ensure_ascii=False, separators=(",", ":"))
        url = _setting("YISHI_SMS_ENDPOINT", self.endpoint)
        host = urlsplit(url).netloc
        now = int(time.time())
        secret_id = _setting("YISHI_SMS_KEY_ID")
        signature = tc3_signature(secret_key=_setting("YISHI_SMS_KEY_SECRET"), service="sms",
                                  host=host, timestamp=now, payload=payload)
        date = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")
        status, raw = _post(url, payload.encode(), {
            "Authorization": (f"TC3-HMAC-SHA256 Credential={secret_id}/{date}/sms/tc3_request, "
                              f"SignedHeaders=content-type;host, Signature={signature}"),
            "Content-Type": JSON, "Host": host, "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(now), "X-TC-Version": "2021-01-11",
            "X-TC-Region": _setting("YISHI_SMS_REGION", "ap-guangzhou"),
        })
        answer = _json(raw).get("Response", {})
        if "Error" in answer:
            raise SmsRefused(f"Tencent {answer['Error'].get('Code')}: "
                             f"{answer['Error'].get('Message')}")
        sent = (answer.get("SendStatusSet") or [{}])[0]
        if status != 200 or sent.get("Code") != "Ok":
            raise SmsRefused(f"Tencent {sent.get('Code')}: {sent.get('Message')}")
        return str(sent.get("SerialNo", ""))


# --- A government SMS platform --------------------------------------------------------------


def government_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>\\n<body>" under the platform's secret."""
    return hmac.new(secret.encode(), timestamp.encode() + b"\n" + body,
                    hashlib.sha256).hexdigest()


class GovernmentSmsBackend(SmsBackend):
    """政务短信平台: free text, so no template; ``{"mobile", "content", "msgid"}`` posted as
    JSON to ``YISHI_SMS_ENDPOINT`` with ``X-Account`` (``YISHI_SMS_KEY_ID``), ``X-Timestamp``
    and ``X-Signature`` (``government_signature`` under ``YISHI_SMS_KEY_SECRET``). Taken when
    the answer is 2xx and its ``code`` (if any) is 0 or "0"."""

    required: ClassVar[tuple[str, ...]] = ("YISHI_SMS_ENDPOINT", "YISHI_SMS_KEY_ID",
                                           "YISHI_SMS_KEY_SECRET")

    def send_sms(self, *, phone: str, text: str, key: str) -> str:
        body = json.dumps({"mobile": phone, "content": text, "msgid": key},
                          ensure_ascii=False, separators=(",", ":")).encode()
        stamp = str(int(time.time()))
        status, raw = _post(_setting("YISHI_SMS_ENDPOINT"), body, {
            "Content-Type": JSON, "X-Account": _setting("YISHI_SMS_KEY_ID"),
            "X-Timestamp": stamp,
            "X-Signature": government_signature(_setting("YISHI_SMS_KEY_SECRET"), stamp, body),
        })
        answer = _json(raw) if raw.strip() else {}
        code = answer.get("code", 0) if isinstance(answer, dict) else 0
        if not 200 <= status < 300 or str(code) != "0":
            message = answer.get("message", "") if isinstance(answer, dict) else ""
            raise SmsRefused(f"gateway {status} {code}: {message}")
        return str(answer.get("msgid", key)) if isinstance(answer, dict) else key


@checks.register
def check_sms_gateway(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """yishi.E102: a gateway named in ``YISHI_SMS_BACKEND`` or among the notification
    backends has its account, keys and templates set."""
    paths = [str(getattr(settings, "YISHI_SMS_BACKEND", "") or ""),
             *getattr(settings, "YISHI_NOTIFICATION_BACKENDS", [])]
    problems: list[checks.CheckMessage] = []
    for path in dict.fromkeys(p for p in paths if p):
        try:
            backend = import_string(path)
        except ImportError:
            continue  # named and refused by yishi.E101 (or by the sign-in page)
        missing = [n for n in getattr(backend, "required", ()) if not _setting(n)]
        if missing:
            problems.append(checks.Error(
                f"{path} needs {', '.join(missing)} (README, \"Configuration\")",
                id="yishi.E102"))
    return problems

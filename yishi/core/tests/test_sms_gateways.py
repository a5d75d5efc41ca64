"""The SMS gateways against a local HTTP receiver that checks each request as the vendor
documents it; the signatures first against the vendors' own published examples."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

from yishi.core.sms_gateways import (
    AliyunSmsBackend,
    GovernmentSmsBackend,
    SmsRefused,
    TencentSmsBackend,
    aliyun_signature,
    government_signature,
    tc3_signature,
)

PHONE = "13812345678"


def test_the_aliyun_signature_of_aliyuns_own_example() -> None:
    # Aliyun's "signature mechanism" page: DescribeRegions, AccessKey secret "testsecret".
    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
              "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
              "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z",
              "Version": "2014-05-26"}
    assert aliyun_signature(params, "testsecret", method="GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_the_tc3_signature_of_tencents_own_example() -> None:
    # Tencent Cloud API 3.0 "signature v3": CVM DescribeInstances at 1551113065.
    payload = ('{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], '
               '"Name": "instance-name"}]}')
    assert tc3_signature(secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", service="cvm",
                         host="cvm.tencentcloudapi.com", timestamp=1551113065,
                         payload=payload) == (
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")


class Receiver:
    """A local gateway: keeps each request, answers with ``answer(request) -> (status, body)``."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer = lambda req: (200, b"{}")
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                req = {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                receiver.requests.append(req)
                status, out = receiver.answer(req)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    r = Receiver()
    settings.YISHI_SMS_ENDPOINT = r.url
    settings.YISHI_SMS_KEY_ID = "LTAI-test-id"
    settings.YISHI_SMS_KEY_SECRET = "test-secret-of-the-gateway"
    settings.YISHI_SMS_SIGN_NAME = "幸福社区"
    settings.YISHI_SMS_APP_ID = "1400000001"
    settings.YISHI_SMS_TEMPLATE_SIGN_IN = "SMS_100001"
    settings.YISHI_SMS_TEMPLATE_NOTICE = "SMS_100002"
    yield r
    r.server.shutdown()


def aliyun_checked(req: dict[str, Any]) -> tuple[int, bytes]:
    params = dict(parse_qsl(req["body"].decode()))
    signature = params.pop("Signature")
    assert signature == aliyun_signature(params, "test-secret-of-the-gateway")
    assert req["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert params["Action"] == "SendSms" and params["Version"] == "2017-05-25"
    assert params["SignatureMethod"] == "HMAC-SHA1" and params["SignatureVersion"] == "1.0"
    assert params["AccessKeyId"] == "LTAI-test-id" and params["Format"] == "JSON"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", params["Timestamp"])
    return 200, json.dumps({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0",
                            "RequestId": "F655A8D5"}).encode()


def test_aliyun_sends_the_sign_in_template_signed(receiver: Receiver) -> None:
    receiver.answer = aliyun_checked
    ref = AliyunSmsBackend().send_template(phone=PHONE, template="sign_in_code",
                                           params={"code": "042917", "minutes": "5"},
                                           text="【议事】…", key="sign-in-code-7")
    assert ref == "900619746936498440^0"
    params = dict(parse_qsl(receiver.requests[0]["body"].decode()))
    assert params["PhoneNumbers"] == PHONE and params["SignName"] == "幸福社区"
    assert params["TemplateCode"] == "SMS_100001" and params["OutId"] == "sign-in-code-7"
    assert json.loads(params["TemplateParam"]) == {"code": "042917", "minutes": "5"}


def test_a_notification_goes_as_the_notice_template(receiver: Receiver) -> None:
    receiver.answer = aliyun_checked
    AliyunSmsBackend().send_sms(phone=PHONE, text="您的意见已答复：3栋楼道灯坏了", key="k1")
    params = dict(parse_qsl(receiver.requests[0]["body"].decode()))
    assert params["TemplateCode"] == "SMS_100002"
    assert json.loads(params["TemplateParam"]) == {"subject": "您的意见已答复：3栋楼道灯坏了"}


def test_aliyun_refusing_raises_for_the_worker_to_retry(receiver: Receiver) -> None:
    receiver.answer = lambda req: (200, json.dumps(
        {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}).encode())
    with pytest.raises(SmsRefused, match="BUSINESS_LIMIT_CONTROL"):
        AliyunSmsBackend().send_sms(phone=PHONE, text="x", key="k")


def tencent_checked(req: dict[str, Any]) -> tuple[int, bytes]:
    h = {k.lower(): v for k, v in req["headers"].items()}
    auth = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d\d-\d\d)/sms/tc3_request, "
                        r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})",
                        h["authorization"])
    assert auth is not None and auth.group(1) == "LTAI-test-id"
    assert h["x-tc-action"] == "SendSms" and h["x-tc-version"] == "2021-01-11"
    assert h["content-type"] == "application/json; charset=utf-8" and h["x-tc-region"]
    assert auth.group(3) == tc3_signature(
        secret_key="test-secret-of-the-gateway", service="sms", host=h["host"],
        timestamp=int(h["x-tc-timestamp"]), payload=req["body"].decode())
    return 200, json.dumps({"Response": {"SendStatusSet": [
        {"SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": "+8613812345678",
         "Fee": 1, "Code": "Ok", "Message": "send success"}], "RequestId": "a0aabda6"}}).encode()


def test_tencent_sends_the_template_signed_with_tc3(receiver: Receiver) -> None:
    receiver.answer = tencent_checked
    ref = TencentSmsBackend().send_template(phone=PHONE, template="sign_in_code",
                                            params={"code": "042917", "minutes": "5"},
                                            text="…", key="sign-in-code-8")
    assert ref == "5000:1045710669157053657849499619"
    body = json.loads(receiver.requests[0]["body"])
    assert body["PhoneNumberSet"] == ["+8613812345678"] and body["SmsSdkAppId"] == "1400000001"
    assert body["TemplateId"] == "SMS_100001" and body["TemplateParamSet"] == ["042917", "5"]
    assert body["SignName"] == "幸福社区" and body["SessionContext"] == "sign-in-code-8"


def test_tencent_errors_raise(receiver: Receiver) -> None:
    receiver.answer = lambda req: (200, json.dumps({"Response": {"Error": {
        "Code": "AuthFailure.SignatureFailure", "Message": "签名错误"}, "RequestId": "x"}}).encode())
    with pytest.raises(SmsRefused, match="SignatureFailure"):
        TencentSmsBackend().send_sms(phone=PHONE, text="x", key="k")
    receiver.answer = lambda req: (200, json.dumps({"Response": {"SendStatusSet": [
        {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "日上限"}]}}).encode())
    with pytest.raises(SmsRefused, match="DailyLimit"):
        TencentSmsBackend().send_sms(phone=PHONE, text="x", key="k")


def test_the_government_gateway_gets_the_text_signed(receiver: Receiver) -> None:
    def checked(req: dict[str, Any]) -> tuple[int, bytes]:
        h = req["headers"]
        assert h["X-Account"] == "LTAI-test-id"
        assert h["X-Signature"] == government_signature(
            "test-secret-of-the-gateway", h["X-Timestamp"], req["body"])
        return 200, b'{"code": 0, "msgid": "G-1"}'

    receiver.answer = checked
    assert GovernmentSmsBackend().send_sms(phone=PHONE, text="【议事】验证码 042917", key="k9") == "G-1"
    assert json.loads(receiver.requests[0]["body"]) == {
        "mobile": PHONE, "content": "【议事】验证码 042917", "msgid": "k9"}
    receiver.answer = lambda req: (503, b"busy")
    with pytest.raises(SmsRefused):
        GovernmentSmsBackend().send_sms(phone=PHONE, text="x", key="k")
    receiver.answer = lambda req: (200, b'{"code": 1005, "message": "account suspended"}')
    with pytest.raises(SmsRefused, match="suspended"):
        GovernmentSmsBackend().send_sms(phone=PHONE, text="x", key="k")


def test_no_template_or_no_gateway_is_a_refusal_that_names_the_setting(receiver: Receiver,
                                                                       settings) -> None:  # type: ignore[no-untyped-def]
    settings.YISHI_SMS_TEMPLATE_SIGN_IN = ""
    with pytest.raises(SmsRefused, match="YISHI_SMS_TEMPLATE_SIGN_IN"):
        AliyunSmsBackend().send_template(phone=PHONE, template="sign_in_code",
                                         params={"code": "1", "minutes": "5"}, text="", key="k")
    receiver.server.shutdown()
    receiver.server.server_close()
    with pytest.raises(SmsRefused, match="unreachable"):
        AliyunSmsBackend().send_sms(phone=PHONE, text="x", key="k")


@pytest.mark.django_db
def test_a_resident_signs_in_with_a_code_sent_through_aliyun(receiver: Receiver, settings,
                                                             client, tree) -> None:  # type: ignore[no-untyped-def]
    from yishi.places.models import PersonalData
    from yishi.places.tests.factories import resident

    settings.YISHI_SMS_BACKEND = "yishi.core.sms_gateways.AliyunSmsBackend"
    receiver.answer = aliyun_checked
    person = resident(tree["a"], username="wang", name="王秀英")
    data, _created = PersonalData.objects.get_or_create(person=person)
    data.phone = PHONE
    data.save()
    client.post("/login/code/", {"action": "send", "phone": PHONE})
    params = dict(parse_qsl(receiver.requests[0]["body"].decode()))
    code = json.loads(params["TemplateParam"])["code"]
    response = client.post("/login/code/", {"action": "check", "phone": PHONE, "code": code})
    assert response.status_code == 302


def test_a_gateway_without_its_keys_is_a_configuration_error(settings) -> None:  # type: ignore[no-untyped-def]
    from yishi.core.sms_gateways import check_sms_gateway

    settings.YISHI_SMS_BACKEND = "yishi.core.sms_gateways.TencentSmsBackend"
    settings.YISHI_SMS_KEY_ID = "id"
    for name in ("YISHI_SMS_KEY_SECRET", "YISHI_SMS_SIGN_NAME", "YISHI_SMS_APP_ID",
                 "YISHI_SMS_TEMPLATE_SIGN_IN", "YISHI_SMS_TEMPLATE_NOTICE"):
        setattr(settings, name, "")
    (error,) = check_sms_gateway()
    assert error.id == "yishi.E102" and "YISHI_SMS_APP_ID" in error.msg
    assert "YISHI_SMS_KEY_ID" not in error.msg
    settings.YISHI_SMS_BACKEND = "yishi.core.channels.OutboxSmsBackend"
    assert check_sms_gateway() == []

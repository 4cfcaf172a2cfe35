"""The URL policy of webhooks: what may be registered, and where a delivery may go at the moment
it is sent (the host resolved again: DNS rebinding is refused)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from service.webhooks.urls import AllowList, UrlRefused, check_url, resolve

NOBODY = AllowList.parse("")
LOOPBACK = AllowList.parse("127.0.0.1, receiver.internal, [::1]")


def resolver(table: dict[str, list[str]]) -> object:
    def lookup(host: str, port: int) -> Iterable[str]:
        if host not in table:
            raise OSError("unknown host")
        return table[host]

    return lookup


@pytest.mark.parametrize("url", [
    "https://hooks.example.com/fairdun", "https://hooks.example.com:8443/a/b?c=d", "https://93.184.215.14/hook",
    "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook", "HTTPS://Hooks.Example.com/x",
    "https://bücher.example/hook",
])
def test_public_https_urls_are_accepted(url: str) -> None:
    assert check_url(url, NOBODY) == url


@pytest.mark.parametrize(("url", "code"), [
    ("http://hooks.example.com/", "scheme_refused"),
    ("ftp://hooks.example.com/", "scheme_refused"),
    ("hooks.example.com/hook", "scheme_refused"),
    ("https://127.0.0.1/", "address_refused"),
    ("https://10.1.2.3/", "address_refused"),
    ("https://172.16.0.1/", "address_refused"),
    ("https://192.168.1.1/", "address_refused"),
    ("https://169.254.169.254/latest/meta-data", "address_refused"),   # a cloud's metadata service
    ("https://100.64.0.1/", "address_refused"),                        # shared address space (RFC 6598)
    ("https://0.0.0.0/", "address_refused"),
    ("https://224.0.0.1/", "address_refused"),
    ("https://[::1]/", "address_refused"),
    ("https://[fe80::1]/", "address_refused"),
    ("https://[fd00::1]/", "address_refused"),
    ("https://[::ffff:10.0.0.1]/", "address_refused"),
    ("https://localhost/", "address_refused"),
    ("https://api.localhost/", "address_refused"),
    ("https://user:secret@hooks.example.com/", "credentials_refused"),
    ("https://hooks.example.com/#top", "invalid_url"),
    ("https:///path", "invalid_url"),
    ("https://hooks.example.com:99999/", "invalid_url"),
    ("https://hooks.example.com/a b", "invalid_url"),
    ("https://hooks.example.com/\x00", "invalid_url"),
    ("https://" + "a" * 2040 + ".example/", "invalid_url"),
])
def test_refused_urls_say_why(url: str, code: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        check_url(url, NOBODY)
    assert refused.value.code == code


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "https://127.0.0.1/hook", "http://receiver.internal/",
                                 "http://RECEIVER.internal./x", "http://[::1]:9000/", "http://[::ffff:127.0.0.1]/"])
def test_listed_hosts_may_use_http_and_private_addresses_on_any_port(url: str) -> None:
    assert check_url(url, LOOPBACK) == url


def test_a_listed_host_does_not_open_others() -> None:
    for url in ("http://127.0.0.2/", "http://other.internal/", "http://10.0.0.1/"):
        with pytest.raises(UrlRefused):
            check_url(url, LOOPBACK)


def test_a_name_that_resolves_to_a_private_address_at_delivery_is_refused() -> None:
    # registered while public; the DNS answer changed since (rebinding)
    assert check_url("https://hooks.example.com/x", NOBODY)
    with pytest.raises(UrlRefused) as refused:
        resolve("https://hooks.example.com/x", NOBODY, resolver({"hooks.example.com": ["127.0.0.1"]}))
    assert refused.value.code == "address_refused"


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    with pytest.raises(UrlRefused):
        resolve("https://hooks.example.com/", NOBODY, resolver({"hooks.example.com": ["93.184.215.14", "10.0.0.1"]}))
    with pytest.raises(UrlRefused):
        resolve("https://hooks.example.com/", NOBODY, resolver({"hooks.example.com": ["::ffff:192.168.0.1"]}))


def test_delivery_goes_to_the_address_that_was_checked() -> None:
    target = resolve("https://hooks.example.com:8443/in?x=1", NOBODY,
                     resolver({"hooks.example.com": ["93.184.215.14", "93.184.215.15"]}))
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https", "hooks.example.com", 8443, "/in?x=1", "93.184.215.14")
    assert resolve("http://receiver.internal/", LOOPBACK, resolver({"receiver.internal": ["10.9.8.7"]})).address \
        == "10.9.8.7"
    assert resolve("http://127.0.0.1:9/", LOOPBACK, resolver({})).port == 9   # a literal is not looked up


def test_a_name_that_does_not_resolve_is_a_dns_failure() -> None:
    for table in ({}, {"hooks.example.com": []}):
        with pytest.raises(UrlRefused) as refused:
            resolve("https://hooks.example.com/", NOBODY, resolver(table))
        assert refused.value.code == "dns_failed"


def test_the_allow_list_reads_names_and_addresses() -> None:
    allow = AllowList.parse(" 127.0.0.1 ,, Receiver.Internal. ,[::1]")
    assert allow.allows("127.0.0.1") and allow.allows("receiver.internal") and allow.allows("::1")
    assert allow.allows("::ffff:127.0.0.1") and not allow.allows("127.0.0.2")
    assert AllowList.parse(["127.0.0.1"]).allows("127.0.0.1") and not AllowList.parse(None).allows("127.0.0.1")

import pytest

from explain.protected import DEFAULT_PROTECTED_ATTRIBUTES, ProtectedAttributeError, ProtectedAttributes, words


@pytest.mark.parametrize("column", ["sex", "Sex", "GENDER", "customer_age", "AgeBand", "countryCode",
                                    "country_code", "Marital Status", "marital_status", "nationality",
                                    "Religion", "date_of_birth", "BirthDate", "languageCode"])
def test_protected_columns_are_recognised_by_whole_words(column):
    assert ProtectedAttributes().reason(column) is not None


@pytest.mark.parametrize("column", ["page_count", "average_days", "InvoiceAmount", "DaysLate", "usage",
                                    "PaperlessBill", "message", "storage", "statusCode"])
def test_other_columns_are_not_protected(column):
    assert ProtectedAttributes().reason(column) is None


def test_words_split_camel_case_and_separators():
    assert words("countryCode") == ("country", "code")
    assert words("Marital-Status") == ("marital", "status")
    assert words("HTTPStatusCode") == ("http", "status", "code")


def test_a_configured_list_replaces_the_default_and_named_columns_add_to_it():
    attributes = ProtectedAttributes(["region"], extra=["Kundengruppe"])
    assert attributes.reason("sales_region") is not None
    assert attributes.reason("sex") is None          # no longer in the list
    assert "named" in attributes.reason("Kundengruppe")
    assert ProtectedAttributes(None).names == tuple(sorted(DEFAULT_PROTECTED_ATTRIBUTES))


def test_refusal_names_every_protected_column_and_the_way_out():
    with pytest.raises(ProtectedAttributeError) as caught:
        ProtectedAttributes().refuse_as_features(["amount", "Sex", "customer_age"])
    message = str(caught.value)
    assert "'Sex'" in message and "'customer_age'" in message and "'amount'" not in message
    assert "--group-by" in message
    ProtectedAttributes().refuse_as_features(["amount", "days"])   # nothing protected: no error

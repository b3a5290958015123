"""The Python client openapi-python-client generated from the OpenAPI document, checked and used against the mock.

Run by `.ci/openapi-clients`. Usage:

    python3 .ci/python_client.py DOCUMENT CLIENT_PARENT PACKAGE BASE_URL API_KEY

It checks that the generated package has a module for every operation of the document and a
class for every component schema a generator makes a class of (every object and every
enumeration), then places a sync order, reads it back, lists the orders and prices an order
through the generated client, against the mock at BASE_URL (http://127.0.0.1:PORT/v2, which
`.ci/openapi-clients` started on loopback). Every request has a 10 s timeout. It exits with 1
and says what failed when something is missing or a call does not give what the API
documents.
"""

import importlib
import json
import re
import sys
import uuid
from decimal import Decimal
from pathlib import Path


def snake(name: str) -> str:
    """openapi-python-client's module name of an operation ID (`getSingleOrder` -> `get_single_order`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def makes_a_class(schema: dict) -> bool:
    """Whether generators make a class of a component: an object or an enumeration."""
    return "properties" in schema or schema.get("type") == "object" or "enum" in schema


def check_coverage(document: dict, package: str) -> None:
    models = importlib.import_module(f"{package}.models")
    classes = set(models.__all__)
    components = document["components"]["schemas"]
    missing = [
        name
        for name, schema in components.items()
        if makes_a_class(schema) and name not in classes
    ]
    if missing:
        sys.exit(f"error: the generated client has no class for {', '.join(missing)}")
    operations = [
        (path, method, operation["operationId"], operation.get("tags", []))
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    for path, method, operation_id, tags in operations:
        if len(tags) != 1:
            sys.exit(f"error: {method.upper()} {path} has tags {tags}, not one")
        module = f"{package}.api.{snake(tags[0])}.{snake(operation_id)}"
        try:
            importlib.import_module(module)
        except ImportError as err:
            sys.exit(f"error: {method.upper()} {path}: {module} does not import: {err}")
    counted = sum(1 for schema in components.values() if makes_a_class(schema))
    print(
        f"python client: {len(operations)} operations and {counted} classes of "
        f"{len(components)} component schemas (the others are strings, unions and maps it inlines)"
    )


def expect(what: str, response, status: int, kind):
    """The parsed body of `response`, when its status is `status` and its body a `kind`."""
    if response.status_code != status:
        sys.exit(
            f"error: {what}: status {int(response.status_code)}, expected {status}: "
            f"{response.content[:500]!r}"
        )
    if not isinstance(response.parsed, kind):
        sys.exit(f"error: {what}: the body was read as {type(response.parsed).__name__}, expected {kind.__name__}")
    print(f"{what}: {status} {kind.__name__}")
    return response.parsed


def run_calls(package: str, base_url: str, api_key: str) -> None:
    client_module = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    api = f"{package}.api.order"
    create_order = importlib.import_module(f"{api}.create_order")
    get_single_order = importlib.import_module(f"{api}.get_single_order")
    get_list_of_orders = importlib.import_module(f"{api}.get_list_of_orders")
    estimate_order_price = importlib.import_module(f"{api}.estimate_order_price")

    client = client_module.AuthenticatedClient(
        base_url=base_url,
        token=api_key,
        prefix="",
        auth_header_name="X-Api-Key",
        timeout=10.0,
        raise_on_unexpected_status=True,
    )
    payment = models.NewAccountPayment(type_=models.AccountPaymentType.ACCOUNT_BALANCE, currency="USD")

    # 1. Create: a sync order of one item, answered 200 with the completed order.
    order = models.NewOrderDetails(
        payment_method=payment,
        items=[
            models.NewOrderItemDetails(
                face_value=10.5,
                distribution_method=models.LinkDistribution(type_=models.LinkDistributionType.PAYOUT_LINK),
                products=models.SingleProductWithUsageConfig(
                    type_=models.SingleProductWithUsageConfigType.SINGLE, value="AMZ-US"
                ),
            )
        ],
    )
    created = expect(
        "create_order",
        create_order.sync_detailed(
            client=client,
            body=order,
            x_idempotency_key=str(uuid.uuid4()),
            x_execution_mode=models.CreateOrderXExecutionMode.SYNC,
        ),
        200,
        models.SyncCompletedOrder,
    )
    if created.status != models.SyncCompletedOrderStatus.COMPLETED:
        sys.exit(f"error: create_order: status {created.status}")
    if Decimal(created.items[0].face_value) != Decimal("10.5"):
        sys.exit(f"error: create_order: face value {created.items[0].face_value!r}, expected 10.50")

    # 2. Get: the same order, with its items.
    got = expect(
        "get_single_order",
        get_single_order.sync_detailed(created.id, client=client),
        200,
        models.CompletedOrderWithFullDetails,
    )
    if got.id != created.id or got.total_price != created.total_price:
        sys.exit(f"error: get_single_order: {got.id} {got.total_price}, expected {created.id} {created.total_price}")

    # 3. List: the order is on the first page.
    listed = expect(
        "get_list_of_orders",
        get_list_of_orders.sync_detailed(client=client, limit=10),
        200,
        models.OrderList,
    )
    if created.id not in [item.id for item in listed.items]:
        sys.exit(f"error: get_list_of_orders: {created.id} is not listed")

    # 4. Estimate: the price of two items, as JSON numbers.
    estimate = models.OrderPriceRequest(
        payment_method=payment,
        items=[
            models.OrderItemPriceRequest(
                face_value=face_value,
                products=models.SingleProduct(type_=models.SingleProductType.SINGLE, value="AMZ-US"),
            )
            for face_value in (10.0, 2.5)
        ],
    )
    priced = expect(
        "estimate_order_price",
        estimate_order_price.sync_detailed(client=client, body=estimate),
        200,
        models.OrderPriceResponse,
    )
    if Decimal(str(priced.total_price)) != Decimal("12.5"):
        sys.exit(f"error: estimate_order_price: total price {priced.total_price}, expected 12.5")


def main() -> None:
    document_path, parent, package, base_url, api_key = sys.argv[1:]
    document = json.loads(Path(document_path).read_text())
    sys.path.insert(0, parent)
    check_coverage(document, package)
    run_calls(package, base_url, api_key)
    print("python client: the four calls passed")


if __name__ == "__main__":
    main()

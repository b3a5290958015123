// The TypeScript types openapi-typescript generates from the OpenAPI document, used the way a
// TypeScript service would; `.ci/openapi-clients` compiles this file beside the generated
// `api.d.ts` with `tsc --strict --noEmit`, so a document the generator reads wrongly (a lost
// operation, a lost narrowing, an amount that is not a number) fails to compile.
import type { components, operations, paths } from "./api";

type Schemas = components["schemas"];

/** `true` when `A` and `B` are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Every operation, by its ID and by its path and method.
const ids: (keyof operations)[] = ["createOrder", "getSingleOrder", "getListOfOrders", "estimateOrderPrice"];
type Create = paths["/order"]["post"];
type Get = paths["/order/{id}"]["get"];
type List = paths["/order"]["get"];
type Estimate = paths["/order/estimate"]["post"];

// A request body as the API takes it: amounts are JSON numbers.
const order: Create["requestBody"]["content"]["application/json"] = {
    payment_method: { type: "ACCOUNT_BALANCE", currency: "USD" },
    items: [
        {
            face_value: 10.5,
            distribution_method: { type: "EMAIL", email_address: "maria@example.com" },
            products: { type: "SINGLE", value: "AMZ-US" },
        },
    ],
};
// @ts-expect-error a face value is a number, never a string
const stringAmount: Schemas["NewOrderItemDetails"]["face_value"] = "10";

// The answers: a sync order is COMPLETED and nothing else, an order's amounts are decimal
// strings, an estimate's are numbers.
const syncIsCompleted: Same<Create["responses"][200]["content"]["application/json"]["status"], "COMPLETED"> = true;
const totalIsText: Same<Schemas["CompletedOrderWithFullDetails"]["total_price"], string> = true;
const estimateIsNumber: Same<Estimate["responses"][200]["content"]["application/json"]["total_price"], number> = true;
// A single order is either shape; the tag enums are named types.
type Single = Get["responses"][200]["content"]["application/json"];
const shapes: Same<Single, Schemas["CompletedOrderWithFullDetails"] | Schemas["IncompleteOrder"]> = true;
const tag: Schemas["EmailDistributionType"] = "EMAIL";
const fee: Schemas["TransactionDetailFXDetailsFee"] = { value: "0.16", currency: "GBP" };
const limit: List["parameters"]["query"] = { limit: 10 };

export { ids, order, stringAmount, syncIsCompleted, totalIsText, estimateIsNumber, shapes, tag, fee, limit };

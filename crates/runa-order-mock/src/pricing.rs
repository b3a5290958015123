//! Prices an item from the catalogue: the products it selects, their currency, the face values they allow, and the discount; exact amounts throughout (see `money`).

use runa_order_client::ApiErrorType;
use runa_order_types::{Currency, EstimateProducts, NewOrderItemProducts, ProductCode};
use rust_decimal::Decimal;

use crate::{
    answers::Answer,
    money::{self, ExactCatalogue, ExactProduct},
};

/// What an item selects: one product, several for the recipient to choose from, or a
/// payout selection template.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Selection<'a> {
    Single(&'a str),
    Multiple(&'a [ProductCode]),
    Template(&'a str),
}

impl<'a> From<&'a NewOrderItemProducts> for Selection<'a> {
    fn from(products: &'a NewOrderItemProducts) -> Selection<'a> {
        match products {
            NewOrderItemProducts::Single { value, .. } => Selection::Single(value),
            NewOrderItemProducts::Multiple { values } => Selection::Multiple(values),
            NewOrderItemProducts::Template { template_id } => Selection::Template(template_id),
        }
    }
}

impl<'a> From<&'a EstimateProducts> for Selection<'a> {
    fn from(products: &'a EstimateProducts) -> Selection<'a> {
        match products {
            EstimateProducts::Single { value } => Selection::Single(value),
            EstimateProducts::Multiple { values } => Selection::Multiple(values),
        }
    }
}

/// One item to price: what it selects, its face value in cents, the order's payment
/// currency, and its index in the order (for messages).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'a> {
    pub(crate) selection: Selection<'a>,
    pub(crate) face_value: Decimal,
    pub(crate) payment: &'a Currency,
    pub(crate) index: usize,
}

/// A priced item.
#[derive(Debug, Clone)]
pub(crate) struct Priced {
    pub(crate) price: Decimal,
    pub(crate) discount: Decimal,
    pub(crate) currency: Currency,
}

/// A product of the catalogue that an item selects.
#[derive(Debug, Clone, Copy)]
struct Selected<'a> {
    code: &'a str,
    product: &'a ExactProduct,
}

/// The products an item selects, and the currency its template sets, if any.
#[derive(Debug)]
struct Choice<'a> {
    products: Vec<Selected<'a>>,
    currency: Option<String>,
}

impl Selection<'_> {
    /// One product: its listed face values apply. A `MULTIPLE` of one code counts as one.
    fn is_single(self) -> bool {
        match self {
            Selection::Single(_) => true,
            Selection::Multiple(codes) => codes.len() == 1,
            Selection::Template(_) => false,
        }
    }
}

fn product_error(message: String) -> Answer {
    Answer::api_error(
        &ApiErrorType::ProductValidationError,
        Some(format!("Not allowed to order products: {message}")),
    )
}

/// Prices one item from the catalogue, or gives the error answer.
pub(crate) fn price(catalogue: &ExactCatalogue, item: Item<'_>) -> Result<Priced, Answer> {
    let index = item.index;
    let Choice {
        products,
        mut currency,
    } = choice(catalogue, item.selection, index)?;
    let single = item.selection.is_single();
    for selected in &products {
        let its = selected
            .product
            .currency
            .clone()
            .unwrap_or_else(|| item.payment.to_string());
        match &currency {
            None => currency = Some(its),
            Some(it) if *it != its => {
                return Err(product_error(format!(
                    "the products of item {index} use different currencies ({} is in {its})",
                    selected.code
                )));
            }
            Some(_) => {}
        }
        check_face_value(selected, item, single)?;
    }
    if !single && !item.face_value.fract().is_zero() {
        return Err(product_error(format!(
            "face value {} of item {index} must be a whole number for several products",
            item.face_value
        )));
    }
    let currency = currency.unwrap_or_else(|| item.payment.to_string());
    if currency != **item.payment {
        return Err(Answer::api_error(
            &ApiErrorType::CurrencyMismatch,
            Some(format!(
                "The currency requested in the payment_method, '{}', does not match the currency of the selected products, '{currency}'.",
                **item.payment
            )),
        ));
    }
    // Several products: the recipient chooses, so the smallest discount applies.
    let discount = products
        .iter()
        .map(|it| it.product.discount)
        .min()
        .unwrap_or(Decimal::ZERO);
    Ok(Priced {
        price: money::price(item.face_value, discount),
        discount,
        currency: currency.parse().map_err(|_| {
            Answer::internal(format!(
                "The catalogue's currency {currency:?} is not three letters."
            ))
        })?,
    })
}

/// The products an item selects, and the template's currency if it selects a template. A
/// template's products that the catalogue does not list are left out.
fn choice<'a>(
    catalogue: &'a ExactCatalogue,
    selection: Selection<'a>,
    index: usize,
) -> Result<Choice<'a>, Answer> {
    let lookup = |code: &'a str| {
        catalogue
            .product(code)
            .map(|product| Selected { code, product })
    };
    let listed = |code: &'a str| {
        lookup(code)
            .ok_or_else(|| product_error(format!("unknown product {code:?} (item {index})")))
    };
    match selection {
        Selection::Single(code) => Ok(Choice {
            products: vec![listed(code)?],
            currency: None,
        }),
        Selection::Multiple(codes) => Ok(Choice {
            products: codes
                .iter()
                .map(|it| listed(it))
                .collect::<Result<_, _>>()?,
            currency: None,
        }),
        Selection::Template(id) => {
            let template = catalogue.template(id).ok_or_else(|| {
                product_error(format!(
                    "unknown payout selection template {id:?} (item {index})"
                ))
            })?;
            let products = template
                .products
                .iter()
                .filter_map(|code| lookup(code))
                .collect();
            Ok(Choice {
                products,
                currency: template.currency.clone(),
            })
        }
    }
}

/// One product takes the face values it lists; several take a whole number of at least the
/// smallest face value of each.
fn check_face_value(selected: &Selected<'_>, item: Item<'_>, single: bool) -> Result<(), Answer> {
    let code = selected.code;
    let Item {
        face_value, index, ..
    } = item;
    let faces = &selected.product.face_values;
    if single && !faces.allows(face_value) {
        return Err(product_error(format!(
            "face value {face_value} is not allowed for {code} (item {index})"
        )));
    }
    if !single && face_value < faces.minimum() {
        return Err(product_error(format!(
            "face value {face_value} is below the minimum of {code} (item {index})"
        )));
    }
    Ok(())
}

/// The sums of an order's face values and prices, in cents. They stay exact: every amount
/// is at most `money::MAX_AMOUNT` and an order has at most 500 items.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    face: Decimal,
    pub(crate) price: Decimal,
}

impl Totals {
    pub(crate) fn add(&mut self, face: Decimal, price: Decimal) {
        self.face += face;
        self.price += price;
    }

    /// Never negative: each price is at most its face value.
    pub(crate) fn discount(&self) -> Decimal {
        self.face - self.price
    }
}

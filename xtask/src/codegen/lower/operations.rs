//! The operations lowerer: `spec/operations.json` to the [`Http`] side of the IR, checked
//! against the definitions of the schema file.
//!
//! The parameters of an operation borrow JSON Schema's spelling for what they share with it
//! (`type`, `enum`, `default`, `minimum`, `maximum`, `description`, `required`), so those
//! keys are the keyword table's.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{
    super::{
        ir::{
            Api, ErrorType, Http, JsonType, Literal, MaxItems, Method, Operation, Parameter,
            ParameterLocation, ParameterType, Response, Rule, Server,
        },
        keywords as kw,
        load::SourceFile,
        names,
    },
    read::{DefinitionHints, Reader, describe, kind, literal},
};

pub struct OperationsLowerer<'a> {
    pub r: Reader<'a>,
    hints: DefinitionHints,
}

/// What the operations are checked against.
struct Context<'c> {
    /// The names of the schema file's definitions.
    defined: &'c BTreeSet<String>,
    /// The documented error types.
    error_names: BTreeSet<String>,
    api: &'c Api,
}

impl<'a> OperationsLowerer<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        OperationsLowerer {
            r: Reader::new(file),
            hints: DefinitionHints::new(),
        }
    }

    pub fn http(&mut self, defined: &BTreeSet<String>, api: &Api) -> Http {
        let mut http = Http::default();
        let file = self.r.file;
        let Some(root) = self.r.object(&file.value, "#", "the operations document") else {
            return http;
        };
        let keys = [
            kw::COMMENT.name,
            "schema",
            "api_version",
            "removed_versions",
            "servers",
            "auth_header",
            "operations",
            "error_types",
        ];
        self.r.check_keys(root, "#", &keys);
        let schema_name = schema_name(api);
        if let Some(schema) = self.r.required_string(root, "#", "schema")
            && schema != schema_name
        {
            let message =
                format!("`schema` must name \"{schema_name}\", the schema file next to this one");
            self.r.error("#/schema", message);
        }
        http.api_version = self
            .r
            .required_string(root, "#", "api_version")
            .unwrap_or_default();
        http.auth_header = self
            .r
            .required_string(root, "#", "auth_header")
            .unwrap_or_default();
        if root.contains_key("auth_header") {
            self.header_name(&http.auth_header, "#/auth_header");
        }
        if root.contains_key("api_version") {
            self.header_value(&http.api_version, "#/api_version", "`api_version`");
        }
        for (i, value) in self
            .r
            .array(root, "#", "removed_versions")
            .iter()
            .enumerate()
        {
            let at = format!("#/removed_versions/{i}");
            if let Some(it) = self.r.string(value, &at, "a removed version") {
                http.removed_versions.push(it);
            }
        }
        http.servers = self.servers(root);
        http.error_types = self.error_types(root);
        let cx = Context {
            defined,
            error_names: http.error_types.iter().map(|it| it.name.clone()).collect(),
            api,
        };
        http.operations = self.operations(root, &cx);
        self.client_names(&http);
        http
    }

    fn servers(&mut self, root: &Map<String, Value>) -> Vec<Server> {
        let mut servers = Vec::new();
        for (i, value) in self.r.array(root, "#", "servers").iter().enumerate() {
            let at = format!("#/servers/{i}");
            let Some(map) = self.r.object(value, &at, "a server") else {
                continue;
            };
            self.r.check_keys(map, &at, &["name", "url"]);
            let (Some(name), Some(url)) = (
                self.r.required_string(map, &at, "name"),
                self.r.required_string(map, &at, "url"),
            ) else {
                continue;
            };
            if !url.starts_with("https://") {
                self.r
                    .error(&format!("{at}/url"), "server URLs must use https");
            } else if url.len() == "https://".len()
                || !url.bytes().all(|b| b.is_ascii_graphic())
                || url.contains(['"', '<', '>', '\\', '^', '`', '{', '|', '}'])
            {
                self.r.error(
                    &format!("{at}/url"),
                    "a server URL must be a host after `https://`, without spaces, control \
                     characters or characters a URL cannot hold",
                );
            }
            servers.push(Server {
                pointer: at,
                name,
                url,
            });
        }
        servers
    }

    fn error_types(&mut self, root: &Map<String, Value>) -> Vec<ErrorType> {
        let mut error_types: Vec<ErrorType> = Vec::new();
        for (i, value) in self.r.array(root, "#", "error_types").iter().enumerate() {
            let at = format!("#/error_types/{i}");
            let Some(error_type) = self.error_type(value, &at) else {
                continue;
            };
            if error_types.iter().any(|it| it.name == error_type.name) {
                let message = format!("error type \"{}\" is listed twice", error_type.name);
                self.r.error(&kw::TYPE.at(&at), message);
            }
            error_types.push(error_type);
        }
        error_types
    }

    fn operations(&mut self, root: &Map<String, Value>, cx: &Context<'_>) -> Vec<Operation> {
        let mut operations: Vec<Operation> = Vec::new();
        for (i, value) in self.r.array(root, "#", "operations").iter().enumerate() {
            let at = format!("#/operations/{i}");
            let Some(operation) = self.operation(value, &at, cx) else {
                continue;
            };
            if operations.iter().any(|it| it.id == operation.id) {
                let message = format!("duplicate operation id \"{}\"", operation.id);
                self.r.error(&format!("{at}/id"), message);
            }
            if operations
                .iter()
                .any(|it| it.method == operation.method && it.path == operation.path)
            {
                let (method, path) = (operation.method.name(), &operation.path);
                let message = format!("{method} {path} is described twice");
                self.r.error(&format!("{at}/path"), message);
            }
            operations.push(operation);
        }
        if operations.is_empty() {
            self.r
                .error("#", "the operations document describes no operation");
        }
        operations
    }

    fn error_type(&mut self, value: &Value, at: &str) -> Option<ErrorType> {
        let map = self.r.object(value, at, "an error type")?;
        let keys = [kw::TYPE.name, "status", "message", kw::DEPRECATED.name];
        self.r.check_keys(map, at, &keys);
        let name = self.r.required_string(map, at, kw::TYPE.name);
        let message = self.r.required_string(map, at, "message");
        let status = self.status(map.get("status"), &format!("{at}/status"));
        let deprecated = self.r.flag(map, at, kw::DEPRECATED.name);
        Some(ErrorType {
            pointer: at.to_owned(),
            name: name?,
            status: status?,
            message: message?,
            deprecated,
        })
    }

    fn status(&mut self, value: Option<&Value>, at: &str) -> Option<u16> {
        let status = match value {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.parse::<u64>().ok(),
            _ => None,
        };
        match status {
            Some(code @ 100..=599) => Some(code as u16),
            _ => {
                let found = value.map_or("nothing".to_owned(), describe);
                let message = format!(
                    "an HTTP status code must be an integer from 100 to 599, found {found}"
                );
                self.r.error(at, message);
                None
            }
        }
    }

    fn operation(&mut self, value: &Value, at: &str, cx: &Context<'_>) -> Option<Operation> {
        let map = self.r.object(value, at, "an operation")?;
        let keys = [
            "id",
            "method",
            "path",
            kw::SUMMARY.name,
            kw::DESCRIPTION.name,
            "parameters",
            "request_body",
            "responses",
            "idempotency_key",
            "rules",
        ];
        self.r.check_keys(map, at, &keys);
        let id = self.r.required_string(map, at, "id");
        if let Some(id) = &id
            && !names::is_lower_camel(id)
        {
            let message = format!("operation id \"{id}\" must be lowerCamelCase");
            self.r.error(&format!("{at}/id"), message);
        }
        let method = self.method(map, at);
        let path = self.r.required_string(map, at, "path");
        let summary = self.r.required_string(map, at, kw::SUMMARY.name);
        let description = self.r.optional_string(map, at, kw::DESCRIPTION.name);
        let parameters = self.parameters(map, at);
        let path_parts = match &path {
            Some(path) => self.path_parts(path, &parameters, at),
            None => Vec::new(),
        };
        let request_body = match self.r.optional_string(map, at, "request_body") {
            Some(name) => self.body(name, &format!("{at}/request_body"), cx),
            None => None,
        };
        if request_body.is_some() && method == Some(Method::Get) {
            let here = format!("{at}/request_body");
            self.r
                .error(&here, "a GET operation cannot have a request body");
        }
        let responses = self.responses(map, at, cx);
        let idempotency_key = self.idempotency_key(map, at, &parameters);
        let mut rules = Vec::new();
        for (i, value) in self.r.array(map, at, "rules").iter().enumerate() {
            let here = format!("{at}/rules/{i}");
            let body = request_body.as_deref();
            rules.extend(self.rule(value, &here, &parameters, body, cx));
        }
        Some(Operation {
            pointer: at.to_owned(),
            id: id?,
            method: method?,
            path: path?,
            path_parts,
            summary: summary?,
            description,
            parameters,
            request_body,
            responses,
            idempotency_key,
            rules,
        })
    }

    fn method(&mut self, map: &Map<String, Value>, at: &str) -> Option<Method> {
        match self.r.required_string(map, at, "method").as_deref() {
            Some("GET") => Some(Method::Get),
            Some("POST") => Some(Method::Post),
            Some(other) => {
                let message =
                    format!("unsupported method \"{other}\"; expected \"GET\" or \"POST\"");
                self.r.error(&format!("{at}/method"), message);
                None
            }
            None => None,
        }
    }

    fn parameters(&mut self, map: &Map<String, Value>, at: &str) -> Vec<Parameter> {
        let mut parameters: Vec<Parameter> = Vec::new();
        for (i, value) in self.r.array(map, at, "parameters").iter().enumerate() {
            let here = format!("{at}/parameters/{i}");
            let Some(parameter) = self.parameter(value, &here) else {
                continue;
            };
            if parameters.iter().any(|it| {
                it.location == parameter.location && it.name.eq_ignore_ascii_case(&parameter.name)
            }) {
                let (location, name) = (parameter.location.name(), &parameter.name);
                let message = format!("{location} parameter \"{name}\" is declared twice");
                self.r.error(&format!("{here}/name"), message);
            }
            parameters.push(parameter);
        }
        parameters
    }

    /// The name of a body's definition, when the schema file defines it.
    fn body(&mut self, name: String, at: &str, cx: &Context<'_>) -> Option<String> {
        if cx.defined.contains(&name) {
            return Some(name);
        }
        let hint = self
            .hints
            .closest(&name, cx.defined)
            .map(|it| format!("; did you mean `{it}`?"))
            .unwrap_or_default();
        let schema = schema_name(cx.api);
        let message = format!("there is no schema `{name}` in `$defs` of {schema}{hint}");
        self.r.error(at, message);
        None
    }

    fn responses(&mut self, map: &Map<String, Value>, at: &str, cx: &Context<'_>) -> Vec<Response> {
        let entries = match map.get("responses") {
            Some(Value::Object(entries)) => entries,
            Some(other) => {
                let message = format!(
                    "`responses` must be an object from status code to response, found {}",
                    kind(other)
                );
                self.r.error(&format!("{at}/responses"), message);
                return Vec::new();
            }
            None => {
                self.r.error(at, "missing `responses`");
                return Vec::new();
            }
        };
        let mut responses = Vec::new();
        let path_here = format!("{}/responses", at.trim_start_matches('#'));
        for (code, value) in self.r.members(entries, &path_here) {
            let here = format!("{at}/responses/{code}");
            let Some(status) = self.status(Some(&Value::String(code.clone())), &here) else {
                continue;
            };
            let Some(entry) = self.r.object(value, &here, "a response") else {
                continue;
            };
            self.r
                .check_keys(entry, &here, &["body", kw::DESCRIPTION.name]);
            let description = self.r.optional_string(entry, &here, kw::DESCRIPTION.name);
            let Some(body) = self.r.required_string(entry, &here, "body") else {
                continue;
            };
            if let Some(body) = self.body(body, &format!("{here}/body"), cx) {
                responses.push(Response {
                    status,
                    body,
                    description,
                });
            }
        }
        responses.sort_by_key(|it| it.status);
        if !responses.iter().any(|it| (200..300).contains(&it.status)) {
            let message = "an operation needs at least one 2xx response";
            self.r.error(&format!("{at}/responses"), message);
        }
        responses
    }

    fn idempotency_key(
        &mut self,
        map: &Map<String, Value>,
        at: &str,
        parameters: &[Parameter],
    ) -> Option<String> {
        let header = self.r.optional_string(map, at, "idempotency_key")?;
        if !parameters
            .iter()
            .any(|it| it.location == ParameterLocation::Header && it.required && it.name == header)
        {
            let message = format!(
                "`idempotency_key` names \"{header}\", which is not a required header parameter \
                 of this operation"
            );
            self.r.error(&format!("{at}/idempotency_key"), message);
        }
        Some(header)
    }

    fn parameter(&mut self, value: &Value, at: &str) -> Option<Parameter> {
        let map = self.r.object(value, at, "a parameter")?;
        let keys = [
            "name",
            "in",
            kw::REQUIRED.name,
            kw::TYPE.name,
            kw::ENUM.name,
            kw::DEFAULT.name,
            kw::MINIMUM.name,
            kw::MAXIMUM.name,
            kw::DESCRIPTION.name,
        ];
        self.r.check_keys(map, at, &keys);
        let name = self.r.required_string(map, at, "name");
        let location = self.location(map, at);
        let ty = self.parameter_type(map, at);
        let required = self.r.flag(map, at, kw::REQUIRED.name);
        let mut enum_values = Vec::new();
        for (i, value) in self.r.array(map, at, kw::ENUM.name).iter().enumerate() {
            let here = format!("{}/{i}", kw::ENUM.at(at));
            enum_values.extend(self.r.string(value, &here, "an `enum` value"));
        }
        if !enum_values.is_empty() && ty == Some(ParameterType::Integer) {
            let message = "`enum` is only supported on string parameters";
            self.r.error(&kw::ENUM.at(at), message);
        }
        let (minimum, maximum) = self.parameter_bounds(map, at, ty);
        let named = name.is_some();
        let mut parameter = Parameter {
            pointer: at.to_owned(),
            name: name.clone().unwrap_or_default(),
            location: location.unwrap_or(ParameterLocation::Query),
            required,
            ty: ty.unwrap_or(ParameterType::String),
            enum_values,
            default: map.get(kw::DEFAULT.name).map(literal),
            minimum,
            maximum,
            description: self.r.optional_string(map, at, kw::DESCRIPTION.name),
        };
        if ty.is_some() {
            self.check_default(&parameter);
        }
        if location == Some(ParameterLocation::Header) {
            self.check_header_parameter(&parameter, named);
        }
        parameter.name = name?;
        location?;
        ty?;
        Some(parameter)
    }

    fn location(&mut self, map: &Map<String, Value>, at: &str) -> Option<ParameterLocation> {
        match self.r.required_string(map, at, "in").as_deref() {
            Some("header") => Some(ParameterLocation::Header),
            Some("query") => Some(ParameterLocation::Query),
            Some("path") => Some(ParameterLocation::Path),
            Some(other) => {
                let message = format!(
                    "unknown parameter location \"{other}\"; expected \"header\", \"query\" or \
                     \"path\""
                );
                self.r.error(&format!("{at}/in"), message);
                None
            }
            None => None,
        }
    }

    fn parameter_type(&mut self, map: &Map<String, Value>, at: &str) -> Option<ParameterType> {
        let types = [
            (JsonType::String, ParameterType::String),
            (JsonType::Integer, ParameterType::Integer),
        ];
        let name = self.r.required_string(map, at, kw::TYPE.name)?;
        if let Some((_, ty)) = types.iter().find(|(it, _)| it.name() == name) {
            return Some(*ty);
        }
        let known: Vec<&str> = types.iter().map(|(it, _)| it.name()).collect();
        let hint = names::closest(&name, &known)
            .map(|it| format!("; did you mean \"{it}\"?"))
            .unwrap_or_default();
        let message = format!("unsupported parameter type \"{name}\"{hint}");
        self.r.error(&kw::TYPE.at(at), message);
        None
    }

    fn parameter_bounds(
        &mut self,
        map: &Map<String, Value>,
        at: &str,
        ty: Option<ParameterType>,
    ) -> (Option<i64>, Option<i64>) {
        let mut integer = |row: kw::Keyword| -> Option<i64> {
            let value = map.get(row.name)?;
            let n = value.as_i64();
            if n.is_none() {
                let message = format!(
                    "`{}` must be an integer, found {}",
                    row.name,
                    describe(value)
                );
                self.r.error(&row.at(at), message);
            }
            n
        };
        let minimum = integer(kw::MINIMUM);
        let maximum = integer(kw::MAXIMUM);
        if (minimum.is_some() || maximum.is_some()) && ty == Some(ParameterType::String) {
            let message = "`minimum` and `maximum` only apply to integer parameters";
            self.r.error(at, message);
        }
        if let (Some(low), Some(high)) = (minimum, maximum)
            && low > high
        {
            let message = format!("`minimum` ({low}) is greater than `maximum` ({high})");
            self.r.error(&kw::MINIMUM.at(at), message);
        }
        (minimum, maximum)
    }

    /// A `default` the parameter itself does not allow.
    fn check_default(&mut self, parameter: &Parameter) {
        let Some(default) = &parameter.default else {
            return;
        };
        let fits = match (parameter.ty, default) {
            (ParameterType::String, Literal::String(it)) => {
                parameter.enum_values.is_empty() || parameter.enum_values.contains(it)
            }
            (ParameterType::Integer, Literal::Number(text)) => text.parse::<i64>().is_ok_and(|n| {
                parameter.minimum.is_none_or(|low| n >= low)
                    && parameter.maximum.is_none_or(|high| n <= high)
            }),
            _ => false,
        };
        if !fits {
            let message = format!("`default` {default} is not an allowed value of this parameter");
            self.r.error(&kw::DEFAULT.at(&parameter.pointer), message);
        }
    }

    /// A header's name, values and default must be what HTTP can carry.
    fn check_header_parameter(&mut self, parameter: &Parameter, named: bool) {
        let at = &parameter.pointer;
        if named {
            self.header_name(&parameter.name, &format!("{at}/name"));
        }
        for (i, value) in parameter.enum_values.iter().enumerate() {
            let here = format!("{}/{i}", kw::ENUM.at(at));
            self.header_value(value, &here, "an `enum` value");
        }
        if let Some(Literal::String(value)) = &parameter.default {
            self.header_value(value, &kw::DEFAULT.at(at), "the `default`");
        }
    }

    fn rule(
        &mut self,
        value: &Value,
        at: &str,
        parameters: &[Parameter],
        request_body: Option<&str>,
        cx: &Context<'_>,
    ) -> Option<Rule> {
        let map = self.r.object(value, at, "a rule")?;
        match self.r.required_string(map, at, "rule").as_deref() {
            Some("max_items_when_header") => {}
            Some(other) => {
                let message = format!(
                    "unknown rule \"{other}\"; the generator knows \"max_items_when_header\""
                );
                self.r.error(&format!("{at}/rule"), message);
                return None;
            }
            None => return None,
        }
        let keys = [
            "rule",
            "header",
            "value",
            "field",
            "max",
            "error_type",
            "message",
        ];
        self.r.check_keys(map, at, &keys);
        let header = self.r.required_string(map, at, "header")?;
        let value = self.r.required_string(map, at, "value")?;
        let field = self.r.required_string(map, at, "field")?;
        let error_type = self.r.required_string(map, at, "error_type")?;
        let message = self.r.required_string(map, at, "message")?;
        let max = match map.get("max") {
            Some(it) => self.r.unsigned(it, &format!("{at}/max"), "max")?,
            None => {
                self.r.error(at, "missing `max`");
                return None;
            }
        };
        let rule = Rule::MaxItemsWhenHeader(MaxItems {
            header,
            value,
            field,
            max,
            error_type,
            message,
        });
        self.check_rule(&rule, at, parameters, request_body, cx);
        Some(rule)
    }

    /// The header, value, field and error type a rule names must exist.
    fn check_rule(
        &mut self,
        rule: &Rule,
        at: &str,
        parameters: &[Parameter],
        request_body: Option<&str>,
        cx: &Context<'_>,
    ) {
        let Rule::MaxItemsWhenHeader(rule) = rule;
        let (header, value) = (&rule.header, &rule.value);
        let (field, error_type) = (&rule.field, &rule.error_type);
        let parameter = parameters
            .iter()
            .find(|it| it.location == ParameterLocation::Header && it.name == *header);
        match parameter {
            Some(it) if !it.enum_values.is_empty() && !it.enum_values.contains(value) => {
                let message =
                    format!("\"{value}\" is not an allowed value of the header \"{header}\"");
                self.r.error(&format!("{at}/value"), message);
            }
            Some(_) => {}
            None => {
                let message = format!("\"{header}\" is not a header parameter of this operation");
                self.r.error(&format!("{at}/header"), message);
            }
        }
        let is_array_field = request_body
            .and_then(|body| cx.api.definition(body))
            .and_then(|def| {
                def.schema
                    .object
                    .properties
                    .iter()
                    .find(|it| it.name == *field)
            })
            .is_some_and(|it| it.schema.types.as_deref() == Some(&[JsonType::Array]));
        if !is_array_field {
            let message = format!("\"{field}\" is not an array property of the request body");
            self.r.error(&format!("{at}/field"), message);
        }
        if !cx.error_names.contains(error_type) {
            let message = format!("\"{error_type}\" is not one of the `error_types`");
            self.r.error(&format!("{at}/error_type"), message);
        }
    }
}

/// The file name of the schema file (`order-api.schema.json`), which `operations.json` names.
pub fn schema_name(api: &Api) -> &str {
    api.schema_file
        .rsplit('/')
        .next()
        .unwrap_or(&api.schema_file)
}

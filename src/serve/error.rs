//! CodeDeploy's error answers: an exception name (`__type`), a message and an HTTP status.
//!
//! Not here: deciding when an error applies (the operations do).

use serde_json::json;

/// One error answer, as AWS JSON 1.1 services send it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The exception's name in the service model, e.g. `ApplicationDoesNotExistException`.
    pub kind: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// The HTTP status.
    pub status: u16,
}

impl ApiError {
    /// A client error (HTTP 400), the status of every modelled CodeDeploy exception.
    pub fn new(kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
            status: 400,
        }
    }

    /// The JSON body: `{"__type": …, "message": …}`.
    pub fn body(&self) -> String {
        json!({"__type": self.kind, "message": self.message}).to_string()
    }
}

/// The answer to a request body that is not JSON, or not an object.
pub fn serialization(detail: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        "SerializationException",
        format!("The request body could not be read: {detail}"),
    )
}

/// The answer to a field the operation does not have, or a value of the wrong type.
pub fn validation(detail: impl std::fmt::Display) -> ApiError {
    ApiError::new("ValidationException", format!("1 validation error detected: {detail}"))
}

/// A required name is missing: CodeDeploy's `…RequiredException`.
pub fn required(kind: &'static str, what: &str) -> ApiError {
    ApiError::new(kind, format!("{what} is required"))
}

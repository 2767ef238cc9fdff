//! Operator authentication with PAM (service `hypervisor-tui` by default): a conversation
//! that answers PAM's prompts with the user and password the console sent, nothing else.

use nonstick::{AuthnFlags, ConversationAdapter, ErrorCode, Transaction, TransactionBuilder};
use std::ffi::{OsStr, OsString};

/// The PAM service actiond authenticates against (`/etc/pam.d/hypervisor-tui`).
pub const SERVICE: &str = "hypervisor-tui";

struct Answer<'a> {
    user: &'a str,
    password: &'a str,
}

impl ConversationAdapter for Answer<'_> {
    fn prompt(&self, _request: impl AsRef<OsStr>) -> nonstick::Result<OsString> {
        Ok(OsString::from(self.user))
    }
    fn masked_prompt(&self, _request: impl AsRef<OsStr>) -> nonstick::Result<OsString> {
        Ok(OsString::from(self.password))
    }
    fn error_msg(&self, _message: impl AsRef<OsStr>) {}
    fn info_msg(&self, _message: impl AsRef<OsStr>) {}
}

/// A user name PAM and the group file can be asked about (no NUL, no separators).
pub fn valid_user(user: &str) -> bool {
    !user.is_empty()
        && user.len() <= 32
        && !user.starts_with('-')
        && user.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// Checks `user`'s password and account with PAM; the error says why in words.
pub fn authenticate(service: &str, user: &str, password: &str) -> Result<(), String> {
    if !valid_user(user) {
        return Err("not a valid user name".into());
    }
    if password.contains('\0') {
        return Err("the password contains a NUL byte".into());
    }
    let conv = Answer { user, password };
    let mut txn = TransactionBuilder::new_with_service(service)
        .username(user)
        .build(conv.into_conversation())
        .map_err(|e| format!("PAM cannot start: {e}"))?;
    txn.authenticate(AuthnFlags::empty()).map_err(words)?;
    txn.account_management(AuthnFlags::empty()).map_err(words)?;
    Ok(())
}

fn words(e: ErrorCode) -> String {
    match e {
        ErrorCode::AuthenticationError | ErrorCode::UserUnknown => "wrong user or password".into(),
        ErrorCode::AccountExpired => "the account has expired".into(),
        ErrorCode::NewAuthTokRequired => "the password must be changed first".into(),
        ErrorCode::PermissionDenied => "PAM denied access to this account".into(),
        other => format!("PAM: {other}"),
    }
}

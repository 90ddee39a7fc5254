//! The four roles of DESIGN.md; a user may hold several.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a staff member does in the company; decides which routes they may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Administrator,
    Engineer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Owner,
        Role::Manager,
        Role::Administrator,
        Role::Engineer,
    ];

    /// Office staff see every customer's records; an engineer only its own visits.
    pub fn is_office(self) -> bool {
        matches!(self, Role::Owner | Role::Manager | Role::Administrator)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Administrator => "administrator",
            Role::Engineer => "engineer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The roles a user holds: never empty, without repeats, in a stable order.
pub fn normalise_roles(field: &str, roles: &[Role]) -> Result<Vec<Role>, super::ValidationError> {
    let out: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| roles.contains(r))
        .collect();
    if out.is_empty() {
        return Err(super::ValidationError::new(
            field,
            "must hold at least one role",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn roles_are_deduplicated_and_required() {
        let r = normalise_roles("roles", &[Role::Engineer, Role::Owner, Role::Engineer]).unwrap();
        assert_eq!(r, vec![Role::Owner, Role::Engineer]);
        assert!(normalise_roles("roles", &[]).is_err());
    }
}

//! Loading, saving and round-tripping scenario files.

use fleetplan::scenario::Scenario;

const HYBRID: &str = include_str!("../examples/scenarios/hybrid_fleet.toml");
const QUICK: &str = include_str!("../examples/scenarios/quickstart.toml");

#[test]
fn samples_parse_validate_and_round_trip() -> Result<(), fleetplan::Error> {
    for text in [HYBRID, QUICK] {
        let s = Scenario::from_toml_str(text)?;
        if let Err(r) = s.validate() {
            panic!("{r}");
        }
        let toml = s.to_toml_string()?;
        assert_eq!(
            Scenario::from_toml_str(&toml)?,
            s,
            "TOML round trip:\n{toml}"
        );
        let json = s.to_json_string()?;
        assert_eq!(
            Scenario::from_json_str(&json)?,
            s,
            "JSON round trip:\n{json}"
        );
    }
    Ok(())
}

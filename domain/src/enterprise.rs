//! Enterprises: the unified social credit code, industry sections, hazard
//! flags and the "basic information complete" rule behind the archiving rate.

use std::fmt;

/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18
/// characters from the 31-character set (digits and capitals without I, O, S,
/// V, Z), the last one a mod-31 check character. Lowercase input is accepted
/// and stored uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc(String);

const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("must be exactly 18 characters")]
    Length,
    #[error("may contain only digits and the capital letters A–Y except I, O, S, V and Z")]
    Characters,
    #[error("check character is wrong (expected {0})")]
    Checksum(char),
}

impl Uscc {
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let code = input.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(UsccError::Length);
        }
        let values: Vec<u32> = code
            .chars()
            .map(|c| USCC_CHARS.find(c).map(|i| i as u32))
            .collect::<Option<_>>()
            .ok_or(UsccError::Characters)?;
        let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        let expected = USCC_CHARS.as_bytes()[check as usize] as char;
        if values[17] != check {
            return Err(UsccError::Checksum(expected));
        }
        Ok(Uscc(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// GB/T 4754-2017 industry sections (门类), A–T.
pub const INDUSTRY_SECTIONS: [(char, &str, &str); 20] = [
    (
        'A',
        "农、林、牧、渔业",
        "Agriculture, forestry, animal husbandry and fishery",
    ),
    ('B', "采矿业", "Mining"),
    ('C', "制造业", "Manufacturing"),
    (
        'D',
        "电力、热力、燃气及水生产和供应业",
        "Electricity, heat, gas and water supply",
    ),
    ('E', "建筑业", "Construction"),
    ('F', "批发和零售业", "Wholesale and retail trade"),
    ('G', "交通运输、仓储和邮政业", "Transport, storage and post"),
    ('H', "住宿和餐饮业", "Accommodation and catering"),
    (
        'I',
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and IT services",
    ),
    ('J', "金融业", "Finance"),
    ('K', "房地产业", "Real estate"),
    ('L', "租赁和商务服务业", "Leasing and business services"),
    (
        'M',
        "科学研究和技术服务业",
        "Scientific research and technical services",
    ),
    (
        'N',
        "水利、环境和公共设施管理业",
        "Water, environment and public facilities management",
    ),
    (
        'O',
        "居民服务、修理和其他服务业",
        "Resident, repair and other services",
    ),
    ('P', "教育", "Education"),
    ('Q', "卫生和社会工作", "Health and social work"),
    (
        'R',
        "文化、体育和娱乐业",
        "Culture, sports and entertainment",
    ),
    (
        'S',
        "公共管理、社会保障和社会组织",
        "Public administration, social security and social organisations",
    ),
    ('T', "国际组织", "International organisations"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndustrySection(char);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a GB/T 4754 section letter A–T")]
pub struct IndustrySectionError;

impl IndustrySection {
    pub fn parse(input: &str) -> Result<IndustrySection, IndustrySectionError> {
        let mut chars = input.trim().chars();
        match (chars.next().map(|c| c.to_ascii_uppercase()), chars.next()) {
            (Some(c), None) if INDUSTRY_SECTIONS.iter().any(|(s, _, _)| *s == c) => {
                Ok(IndustrySection(c))
            }
            _ => Err(IndustrySectionError),
        }
    }

    pub fn letter(self) -> char {
        self.0
    }
}

crate::closed_set! {
    /// Hazard characteristics that decide inspection duties.
    pub enum HazardFlag {
        HazardousChemicals = "hazardous_chemicals", "涉危险化学品", "Hazardous chemicals";
        Dust = "dust", "涉爆粉尘", "Combustible dust";
        ConfinedSpace = "confined_space", "有限空间作业", "Confined-space work";
        HighTemperatureMolten = "high_temperature_molten", "高温熔融金属", "High-temperature molten metal";
        LiquidAmmoniaRefrigeration = "liquid_ammonia_refrigeration", "涉氨制冷", "Liquid-ammonia refrigeration";
        Flammable = "flammable", "易燃易爆", "Flammable or explosive materials";
        HeavyMachinery = "heavy_machinery", "大型机械设备", "Heavy machinery";
    }
}

crate::closed_set! {
    /// The fields an enterprise's basic record (基础信息) needs to count as
    /// archived (建档) for the basic-information archiving rate.
    pub enum RecordField {
        Name = "name", "企业名称", "Name";
        Uscc = "uscc", "统一社会信用代码", "Unified social credit code";
        IndustrySection = "industry_section", "行业门类", "Industry section";
        EmployeeCount = "employee_count", "从业人数", "Number of employees";
        Address = "address", "地址", "Address";
        Location = "location", "位置坐标", "Location";
        PrincipalPersonId = "principal_person_id", "负责人", "Principal";
        ProductionCharacteristics = "production_characteristics", "生产经营特点", "Production characteristics";
    }
}

/// What the completeness rule looks at; `true` means the field is filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldPresence {
    pub name: bool,
    pub uscc: bool,
    pub industry_section: bool,
    pub employee_count: bool,
    pub address: bool,
    pub location: bool,
    pub principal_person_id: bool,
    pub production_characteristics: bool,
}

impl FieldPresence {
    /// The required fields that are missing, in `RecordField::ALL` order.
    pub fn missing(&self) -> Vec<RecordField> {
        let present = [
            self.name,
            self.uscc,
            self.industry_section,
            self.employee_count,
            self.address,
            self.location,
            self.principal_person_id,
            self.production_characteristics,
        ];
        RecordField::ALL
            .into_iter()
            .zip(present)
            .filter(|(_, p)| !p)
            .map(|(f, _)| f)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // real, published codes
    const VALID: [&str; 3] = [
        "91110000802100433B",
        "91350100M000100Y43",
        "91440300708461136T",
    ];

    #[test]
    fn valid_codes_parse() {
        for code in VALID {
            assert_eq!(Uscc::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn lowercase_is_normalised() {
        assert_eq!(
            Uscc::parse(" 91350100m000100y43 ").unwrap().as_str(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn a_wrong_check_character_is_named() {
        assert_eq!(
            Uscc::parse("91110000802100433C"),
            Err(UsccError::Checksum('B'))
        );
    }

    #[test]
    fn wrong_length_and_characters_are_refused() {
        assert_eq!(Uscc::parse("91110000802100433"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91110000802100433BB"), Err(UsccError::Length));
        assert_eq!(
            Uscc::parse("91110000802I00433B"),
            Err(UsccError::Characters)
        );
        assert_eq!(
            Uscc::parse("9111000080210043３B"),
            Err(UsccError::Characters)
        );
    }

    #[test]
    fn industry_sections_are_letters_a_to_t() {
        assert_eq!(IndustrySection::parse("c").unwrap().letter(), 'C');
        assert!(IndustrySection::parse("U").is_err());
        assert!(IndustrySection::parse("CD").is_err());
        assert!(IndustrySection::parse("").is_err());
    }

    #[test]
    fn completeness_lists_what_is_missing() {
        let all = FieldPresence {
            name: true,
            uscc: true,
            industry_section: true,
            employee_count: true,
            address: true,
            location: true,
            principal_person_id: true,
            production_characteristics: true,
        };
        assert!(all.missing().is_empty());
        let partial = FieldPresence {
            location: false,
            principal_person_id: false,
            ..all
        };
        assert_eq!(
            partial.missing(),
            [RecordField::Location, RecordField::PrincipalPersonId]
        );
        assert_eq!(
            FieldPresence::default().missing().len(),
            RecordField::ALL.len()
        );
    }

    #[test]
    fn flags_round_trip() {
        for f in HazardFlag::ALL {
            assert_eq!(HazardFlag::parse(f.code()), Some(f));
        }
    }
}

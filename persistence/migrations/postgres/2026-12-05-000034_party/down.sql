DROP TABLE party_attendance;
DROP TABLE party_activities;
DROP TABLE party_candidates;
DROP TABLE party_members;
DROP TABLE party_branches;

CREATE TABLE ships (name text PRIMARY KEY, berth integer NOT NULL);
INSERT INTO ships VALUES ('Elbe', 3), ('Weser', 1), ('Ems', 2);

-- Maintenance calendar (issue 10), step 9: a change that forces service owners or system vendors to change their
-- side (Altinn §2.1.3: "varsles senest 6 måneder før endring skjer"). The notice it needs comes from the agreement.
ALTER TABLE public.maintenance_series ADD COLUMN breaking boolean NOT NULL DEFAULT false;

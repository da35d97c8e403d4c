-- A customer's contact details, as they gave them in the chat (the web
-- chat's contact form): an e-mail address and a phone number. The name
-- was kept already, in customer_name.
ALTER TABLE conversations ADD COLUMN customer_email TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN customer_phone TEXT NOT NULL DEFAULT '';

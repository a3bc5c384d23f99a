-- runs outside a transaction (Flyway sees CONCURRENTLY); hangs unless flyway.postgresql.transactional.lock=false
CREATE INDEX CONCURRENTLY customer_email ON shop.customer (email);

info@example.com: alice@example.com
*: exampleuser

"""The public portal: tracking secrets and public status, published results, guards, e-mail subscriptions."""

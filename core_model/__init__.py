"""core_model"""
